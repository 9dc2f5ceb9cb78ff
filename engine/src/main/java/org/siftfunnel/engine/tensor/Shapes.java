package org.siftfunnel.engine.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes, strides, broadcasting and axis normalisation, with clear errors. */
public final class Shapes {
    private Shapes() {
    }

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements; tensors are limited to " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    public static void checkValid(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + Arrays.toString(shape) + " (sizes must be ≥ 0)");
            }
        }
        numel(shape);
    }

    /** Row-major contiguous strides. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Normalises a possibly negative axis; fails naming the op and the shape. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** The broadcast shape of two shapes (NumPy rules), or an error naming both. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides to read a tensor of shape {@code from} as if broadcast to {@code to} (0 on broadcast axes). */
    public static int[] broadcastStrides(int[] from, int[] to) {
        int[] s = strides(from);
        int[] out = new int[to.length];
        int off = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            out[i + off] = from[i] == 1 && to[i + off] != 1 ? 0 : s[i];
        }
        return out;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Product of dims in [from, to). */
    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
