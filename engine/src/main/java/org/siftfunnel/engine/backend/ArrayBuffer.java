package org.siftfunnel.engine.backend;

import java.util.Objects;

/**
 * A device buffer backed by a Java {@code float[]} on the heap. Both the reference backend
 * and the Vector API backend store tensors this way, so their buffers are interchangeable.
 */
public final class ArrayBuffer implements DeviceBuffer {
    private final float[] data;
    private final Backend backend;

    public ArrayBuffer(float[] data, Backend backend) {
        this.data = Objects.requireNonNull(data, "data");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The backing array; only backends and their tests should touch it. */
    public float[] array() {
        return data;
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** Unwraps a buffer that must be heap-backed; fails clearly if a foreign buffer leaks in. */
    public static float[] of(DeviceBuffer buffer) {
        if (buffer instanceof ArrayBuffer ab) {
            return ab.data;
        }
        throw new IllegalArgumentException("expected a heap (ArrayBuffer) buffer but got "
                + (buffer == null ? "null" : buffer.getClass().getSimpleName() + " of backend " + buffer.backend().name())
                + "; move the tensor with Tensor.to(backend) first");
    }
}
