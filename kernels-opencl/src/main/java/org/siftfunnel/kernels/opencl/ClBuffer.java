package org.siftfunnel.kernels.opencl;

import java.lang.ref.Cleaner;

import org.jocl.cl_mem;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.DeviceBuffer;

/**
 * A tensor's storage on an OpenCL device: a {@code cl_mem} of at least {@code size} floats. The
 * memory goes back to the {@link ClMemoryPool} when the buffer becomes unreachable (through a
 * {@link Cleaner}), so a training loop that drops intermediate tensors does not leak device
 * memory.
 */
public final class ClBuffer implements DeviceBuffer {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend backend;
    private final cl_mem mem;
    private final int size;
    private final Cleaner.Cleanable cleanable;

    /** @param capacity the bytes {@code mem} was acquired with from {@code pool} */
    ClBuffer(OpenClBackend backend, cl_mem mem, int size, long capacity, ClMemoryPool pool) {
        this.backend = backend;
        this.mem = mem;
        this.size = size;
        this.cleanable = CLEANER.register(this, new Release(mem, capacity, pool));
    }

    /** The OpenCL memory object; callers must keep this buffer reachable while they use it. */
    cl_mem mem() {
        return mem;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** Returns the device memory now rather than after the next garbage collection. */
    void release() {
        cleanable.clean();
    }

    /**
     * Unwraps a buffer that must belong to {@code backend}, failing with a message naming the op
     * when a buffer of another backend (or of another OpenCL device) leaks in.
     */
    static ClBuffer of(DeviceBuffer buffer, OpenClBackend backend, String op) {
        if (buffer instanceof ClBuffer cb && cb.backend == backend) {
            return cb;
        }
        throw new IllegalArgumentException(op + ": expected a buffer of backend " + backend.name() + " on "
                + backend.device().name() + " but got "
                + (buffer == null ? "null" : buffer.getClass().getSimpleName() + " of backend " + buffer.backend().name())
                + "; move the tensor with Tensor.to(backend) first");
    }

    /** The cleaning action; must not refer to the ClBuffer, or it would never become unreachable. */
    private record Release(cl_mem mem, long capacity, ClMemoryPool pool) implements Runnable {
        @Override
        public void run() {
            pool.release(mem, capacity);
        }
    }
}
