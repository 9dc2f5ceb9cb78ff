package org.siftfunnel.kernels.opencl;

import java.util.Arrays;

/**
 * Host-side range checks of kernel arguments. A kernel that strays outside its buffer does not
 * throw as Java code would; it corrupts device memory or crashes the driver. So every range is
 * checked before a launch, with a message naming the op, the buffer and the sizes.
 */
final class ClChecks {
    private ClChecks() {
    }

    static void checkRange(String op, String name, ClBuffer b, long offset, long n) {
        if (offset < 0 || n < 0 || offset + n > b.size()) {
            throw new IllegalArgumentException(op + ": range [" + offset + ", " + (offset + n) + ") of the " + name
                    + " buffer is outside its " + b.size() + " floats");
        }
    }

    static void checkHostRange(String op, int length, int offset, int n) {
        if (offset < 0 || n < 0 || (long) offset + n > length) {
            throw new IllegalArgumentException(op + ": range [" + offset + ", " + ((long) offset + n)
                    + ") is outside the host array of " + length + " floats");
        }
    }

    /** The lowest and highest element a strided walk touches must lie inside the buffer. */
    static void checkStridedRange(String op, String name, ClBuffer b, int offset, int[] strides, int[] shape) {
        if (product(shape) == 0) {
            return;
        }
        long lo = offset;
        long hi = offset;
        for (int a = 0; a < shape.length; a++) {
            long reach = (long) (shape[a] - 1) * strides[a];
            if (reach < 0) {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        if (lo < 0 || hi >= b.size()) {
            throw new IllegalArgumentException(op + ": the " + name + " walk over shape " + Arrays.toString(shape)
                    + " with strides " + Arrays.toString(strides) + " from offset " + offset + " reaches ["
                    + lo + ", " + hi + "], outside the buffer of " + b.size() + " floats");
        }
    }

    static long product(int[] shape) {
        long p = 1;
        for (int d : shape) {
            p *= d;
        }
        return p;
    }
}
