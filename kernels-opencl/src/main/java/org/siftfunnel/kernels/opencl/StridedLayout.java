package org.siftfunnel.kernels.opencl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * An iteration space with one stride vector per operand, simplified for the strided kernels,
 * which take shapes and strides as {@code int8} arguments: size-1 axes are dropped and
 * neighbouring axes that every operand walks contiguously are merged. A space still deeper
 * than {@link #MAX_KERNEL_RANK} is run as several launches over its leading axes
 * ({@link #forEachBlock}).
 */
final class StridedLayout {
    static final int MAX_KERNEL_RANK = 8;

    private final int[] shape;
    private final int[][] strides;

    private StridedLayout(int[] shape, int[][] strides) {
        this.shape = shape;
        this.strides = strides;
    }

    /** The simplified form of {@code shape} walked with {@code strides[op]} for each operand. */
    static StridedLayout of(int[] shape, int[]... strides) {
        List<Integer> dims = new ArrayList<>();
        List<int[]> st = new ArrayList<>();
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] == 1) {
                continue;
            }
            int[] s = new int[strides.length];
            for (int op = 0; op < strides.length; op++) {
                s[op] = strides[op][axis];
            }
            int last = dims.size() - 1;
            if (last >= 0 && mergeable(dims.get(last), st.get(last), shape[axis], s)) {
                dims.set(last, dims.get(last) * shape[axis]);
                st.set(last, s);
            } else {
                dims.add(shape[axis]);
                st.add(s);
            }
        }
        if (dims.isEmpty()) {
            dims.add(1);
            st.add(new int[strides.length]);
        }
        int rank = dims.size();
        int[] newShape = new int[rank];
        int[][] newStrides = new int[strides.length][rank];
        for (int axis = 0; axis < rank; axis++) {
            newShape[axis] = dims.get(axis);
            for (int op = 0; op < strides.length; op++) {
                newStrides[op][axis] = st.get(axis)[op];
            }
        }
        return new StridedLayout(newShape, newStrides);
    }

    /** Outer axis (size, strides) followed by inner axis (size, strides) is one axis of the product. */
    private static boolean mergeable(int outerSize, int[] outerStrides, int innerSize, int[] innerStrides) {
        for (int op = 0; op < outerStrides.length; op++) {
            if ((long) outerStrides[op] != (long) innerStrides[op] * innerSize) {
                return false;
            }
        }
        return outerSize > 0;
    }

    int rank() {
        return shape.length;
    }

    int[] shape() {
        return shape;
    }

    int[] strides(int operand) {
        return strides[operand];
    }

    /** Number of elements of the whole space. */
    long size() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** One kernel launch's part of the space: its shape, strides and each operand's base offset. */
    record Block(int[] shape, int[][] strides, int[] offsets, int size) {
    }

    /** Visits blocks of rank ≤ 8 that together cover the space, in row-major order of their leading index. */
    void forEachBlock(Consumer<Block> visit) {
        int rank = shape.length;
        int outerRank = Math.max(0, rank - MAX_KERNEL_RANK);
        int innerRank = rank - outerRank;
        int[] innerShape = Arrays.copyOfRange(shape, outerRank, rank);
        int[][] innerStrides = new int[strides.length][];
        int innerSize = 1;
        for (int d : innerShape) {
            innerSize *= d;
        }
        for (int op = 0; op < strides.length; op++) {
            innerStrides[op] = Arrays.copyOfRange(strides[op], outerRank, rank);
        }
        int[] idx = new int[outerRank];
        while (true) {
            int[] offsets = new int[strides.length];
            for (int op = 0; op < strides.length; op++) {
                for (int a = 0; a < outerRank; a++) {
                    offsets[op] += idx[a] * strides[op][a];
                }
            }
            visit.accept(new Block(innerShape, innerStrides, offsets, innerSize));
            int a = outerRank - 1;
            while (a >= 0 && ++idx[a] == shape[a]) {
                idx[a] = 0;
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }
}
