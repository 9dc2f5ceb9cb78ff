package org.siftfunnel.kernels.cpu;

/**
 * A strided iteration space simplified for fast loops: axes of size 1 are dropped and
 * neighbouring axes that every operand walks contiguously are merged, so that a same-shape
 * operation becomes one flat row, a row broadcast becomes rows sharing one operand row, and a
 * channel broadcast becomes rows with one scalar each. What remains is iterated as rows
 * (every axis but the last) of {@link #rowLength()} elements.
 */
final class StridedLayout {

    private final int[] shape;
    private final int[][] strides;

    private StridedLayout(int[] shape, int[][] strides) {
        this.shape = shape;
        this.strides = strides;
    }

    /** Simplifies {@code shape} walked by each operand's {@code strides} (same rank as shape). */
    static StridedLayout of(int[] shape, int[]... operandStrides) {
        int rank = shape.length;
        int[] dims = new int[rank];
        int[][] st = new int[operandStrides.length][rank];
        int r = 0;
        for (int k = 0; k < rank; k++) {
            if (shape[k] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int o = 0; o < operandStrides.length && merge; o++) {
                // The previous kept axis steps over exactly this whole axis: one longer axis.
                merge = st[o][r - 1] == operandStrides[o][k] * shape[k];
            }
            if (merge) {
                dims[r - 1] *= shape[k];
                for (int o = 0; o < operandStrides.length; o++) {
                    st[o][r - 1] = operandStrides[o][k];
                }
            } else {
                dims[r] = shape[k];
                for (int o = 0; o < operandStrides.length; o++) {
                    st[o][r] = operandStrides[o][k];
                }
                r++;
            }
        }
        if (r == 0) {
            // A single element: one row of length 1.
            return new StridedLayout(new int[] {1}, new int[operandStrides.length][1]);
        }
        int[] outShape = java.util.Arrays.copyOf(dims, r);
        int[][] outStrides = new int[operandStrides.length][];
        for (int o = 0; o < operandStrides.length; o++) {
            outStrides[o] = java.util.Arrays.copyOf(st[o], r);
        }
        return new StridedLayout(outShape, outStrides);
    }

    /** Number of axes left after simplification (at least 1). */
    int rank() {
        return shape.length;
    }

    /** Size of axis {@code k}. */
    int size(int k) {
        return shape[k];
    }

    /** Stride of operand {@code o} along axis {@code k}. */
    int stride(int o, int k) {
        return strides[o][k];
    }

    /** Elements per row (the last remaining axis). */
    int rowLength() {
        return shape[shape.length - 1];
    }

    /** Number of rows (product of all axes but the last). */
    int rows() {
        int n = 1;
        for (int k = 0; k < shape.length - 1; k++) {
            n *= shape[k];
        }
        return n;
    }

    /** Stride of operand {@code o} along a row. */
    int rowStride(int o) {
        return strides[o][shape.length - 1];
    }

    /**
     * Writes into {@code offsets} the start of row {@code row} for every operand (relative to
     * each operand's base offset) and returns a cursor to step to the next rows.
     */
    Cursor cursor(int row, int[] offsets) {
        return new Cursor(row, offsets);
    }

    /** Walks the rows in order, keeping every operand's row offset up to date without divisions. */
    final class Cursor {
        private final int[] index;
        private final int[] offsets;

        private Cursor(int row, int[] offsets) {
            this.offsets = offsets;
            int outer = shape.length - 1;
            index = new int[Math.max(outer, 0)];
            java.util.Arrays.fill(offsets, 0);
            int rest = row;
            for (int k = outer - 1; k >= 0; k--) {
                index[k] = rest % shape[k];
                rest /= shape[k];
                for (int o = 0; o < offsets.length; o++) {
                    offsets[o] += index[k] * strides[o][k];
                }
            }
        }

        /** Advances the offsets to the next row. */
        void next() {
            for (int k = index.length - 1; k >= 0; k--) {
                index[k]++;
                for (int o = 0; o < offsets.length; o++) {
                    offsets[o] += strides[o][k];
                }
                if (index[k] < shape[k]) {
                    return;
                }
                for (int o = 0; o < offsets.length; o++) {
                    offsets[o] -= shape[k] * strides[o][k];
                }
                index[k] = 0;
            }
        }
    }
}
