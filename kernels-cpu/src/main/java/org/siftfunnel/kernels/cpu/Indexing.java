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
        parallel.forRange(outer * inner, n, (from, to) -> {
            for (int q = from; q < to; q++) {
                int p = q / inner;
                int i = q - p * inner;
                int base = p * n * inner + i;
                int best = 0;
                float bv = x[base];
                for (int j = 1, at = base + inner; j < n; j++, at += inner) {
                    float v = x[at];
                    if (max ? v > bv : v < bv) {
                        bv = v;
                        best = j;
                    }
                }
                out[q] = best;
            }
        });
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
