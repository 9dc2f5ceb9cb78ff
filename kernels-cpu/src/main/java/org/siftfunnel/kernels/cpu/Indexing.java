package org.siftfunnel.kernels.cpu;

/**
 * Arg-reductions, gather and scatter-add over {@code [outer, n, inner]} views: index
 * arithmetic with little to vectorise, spread over the threads where the writes are disjoint.
 */
final class Indexing {

    private final Parallel parallel;

    Indexing(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Index of the first maximum (or minimum) along the middle axis; NaN never wins, as in the reference. */
    void argReduce(boolean max, float[] x, float[] out, int outer, int n, int inner) {
        if (inner == 1) {
            parallel.forRange(outer, n, (from, to) -> {
                for (int p = from; p < to; p++) {
                    out[p] = argRow(max, x, p * n, n);
                }
            });
            return;
        }
        // Columns of a slice are contiguous: sweep the n rows of each slice once, keeping the best
        // value of every column of this part's range in a scratch row.
        parallel.forRange(outer * inner, n, (from, to) -> {
            float[] best = new float[Math.min(inner, to - from)];
            for (int q = from; q < to; ) {
                int p = q / inner;
                int i0 = q - p * inner;
                int i1 = Math.min(inner, i0 + (to - q));
                columns(max, x, p * n * inner, n, inner, i0, i1, best, out, p * inner);
                q += i1 - i0;
            }
        });
    }

    private static int argRow(boolean max, float[] x, int base, int n) {
        int best = 0;
        float bv = x[base];
        for (int j = 1; j < n; j++) {
            float v = x[base + j];
            if (max ? v > bv : v < bv) {
                bv = v;
                best = j;
            }
        }
        return best;
    }

    /** Arg-extremes of columns [i0, i1) of the [n, inner] slice at {@code base}, into out[outOff + i]. */
    private static void columns(boolean max, float[] x, int base, int n, int inner, int i0, int i1, float[] best,
                                float[] out, int outOff) {
        int w = i1 - i0;
        System.arraycopy(x, base + i0, best, 0, w);
        java.util.Arrays.fill(out, outOff + i0, outOff + i1, 0f);
        for (int j = 1; j < n; j++) {
            int row = base + j * inner + i0;
            float index = j;
            for (int i = 0; i < w; i++) {
                float v = x[row + i];
                if (max ? v > best[i] : v < best[i]) {
                    best[i] = v;
                    out[outOff + i0 + i] = index;
                }
            }
        }
    }

    void gather(float[] x, float[] index, float[] out, int outer, int n, int inner, int k) {
        parallel.forRange(outer * k, inner, (from, to) -> {
            for (int row = from; row < to; row++) {
                int p = row / k;
                for (int i = 0; i < inner; i++) {
                    int q = row * inner + i;
                    int at = checkIndex(index[q], n, "gather");
                    out[q] = x[(p * n + at) * inner + i];
                }
            }
        });
    }

    void scatterAdd(float[] src, float[] index, float[] out, int outer, int n, int inner, int k) {
        // Different (j, i) of one outer slice may hit the same target: only slices run in parallel.
        parallel.forRange(outer, (long) k * inner, (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < inner; i++) {
                        int q = (p * k + j) * inner + i;
                        int at = checkIndex(index[q], n, "scatterAdd");
                        out[(p * n + at) * inner + i] += src[q];
                    }
                }
            }
        });
    }

    private static int checkIndex(float stored, int n, String op) {
        int at = (int) stored;
        if (at < 0 || at >= n) {
            throw new IndexOutOfBoundsException(op + ": index " + at + " out of range [0, " + n + ")");
        }
        return at;
    }
}
