package org.siftfunnel.engine.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * One tensor as stored in a safetensors file: its dtype, shape and raw little-endian bytes.
 * Converts to float32 (for computing) or to long (for labels and indices) on request.
 */
public record StoredTensor(DType dtype, int[] shape, byte[] data) {

    public StoredTensor {
        shape = shape.clone();
    }

    public long numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Values converted to float (integers exactly up to 2^24). */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case F32 -> b.getFloat(i * 4);
                case F64 -> (float) b.getDouble(i * 8);
                case F16 -> Float.float16ToFloat(b.getShort(i * 2));
                case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                case I64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case I16 -> b.getShort(i * 2);
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xFF;
            };
        }
        return out;
    }

    /** Values as longs; floating values must be whole numbers. */
    public long[] toLongs() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case I64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case I16 -> b.getShort(i * 2);
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xFF;
                default -> {
                    float f = toFloats()[i];
                    if (f != Math.rint(f)) {
                        throw new IllegalStateException("value " + f + " at " + i + " is not an integer");
                    }
                    yield (long) f;
                }
            };
        }
        return out;
    }

    /** A float32 tensor on the given backend. */
    public Tensor toTensor(Backend backend) {
        return Tensor.of(backend, toFloats(), shape.length == 0 ? new int[] {1} : shape);
    }

    public Tensor toTensor() {
        return toTensor(Backends.getDefault());
    }

    public static StoredTensor ofFloats(float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new StoredTensor(DType.F32, shape, b.array());
    }

    public static StoredTensor ofLongs(long[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new StoredTensor(DType.I64, shape, b.array());
    }

    public static StoredTensor of(Tensor t) {
        return ofFloats(t.toArray(), t.shape());
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTensor s && s.dtype == dtype && Arrays.equals(s.shape, shape) && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }
}
