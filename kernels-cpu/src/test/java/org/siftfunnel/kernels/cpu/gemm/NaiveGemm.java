package org.siftfunnel.kernels.cpu.gemm;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The textbook triple loop in double precision, batch entry after batch entry exactly like the
 * engine's reference backend, plus the error bound a float GEMM must meet against it. With
 * unit roundoff u = 2⁻²⁴, any summation order of k products, the alpha scaling and the beta
 * update stay within {@code γ(k+2)·(|alpha|·Σ|a·b| + |beta·c|)} (γ(n) = n·u/(1 − n·u)); the
 * tests allow twice that.
 */
final class NaiveGemm {

    private static final double UNIT_ROUNDOFF = 0x1p-24;

    /** Expected contents of the whole C array and an allowed error per element (0 where C must not change). */
    record Expected(double[] values, double[] tolerance) {

        void assertMatches(float[] actual, String context) {
            for (int i = 0; i < values.length; i++) {
                double diff = Math.abs(actual[i] - values[i]);
                if (!(diff <= tolerance[i])) {
                    fail(context + ": C[" + i + "] = " + actual[i] + " but expected " + values[i]
                            + " ± " + tolerance[i]);
                }
            }
        }
    }

    /** Results by case description: the same inputs recur for every width, thread count and path. */
    private static final Map<String, Expected> CACHE = new ConcurrentHashMap<>();

    private NaiveGemm() {
    }

    /**
     * {@link #batched} memoised under {@code key}, which must identify the inputs (the same key
     * must always come with the same arrays' contents).
     */
    static Expected cached(String key, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                           float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                           float beta, float[] c, int cOff, int cStride) {
        return CACHE.computeIfAbsent(key, unused -> batched(transA, transB, batch, m, n, k, alpha,
                a, aOff, aStride, b, bOff, bStride, beta, c, cOff, cStride));
    }

    static Expected batched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                            float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                            float beta, float[] c, int cOff, int cStride) {
        double[] values = new double[c.length];
        double[] tolerance = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            values[i] = c[i];
        }
        double gamma = 2 * (k + 2) * UNIT_ROUNDOFF / (1 - (k + 2) * UNIT_ROUNDOFF);
        for (int t = 0; t < batch; t++) {
            int ao = aOff + t * aStride;
            int bo = bOff + t * bStride;
            int co = cOff + t * cStride;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double av = transA ? a[ao + p * m + i] : a[ao + i * k + p];
                        double bv = transB ? b[bo + j * k + p] : b[bo + p * n + j];
                        sum += av * bv;
                        abs += Math.abs(av * bv);
                    }
                    int idx = co + i * n + j;
                    double old = beta == 0f ? 0 : values[idx];
                    double oldTolerance = beta == 0f ? 0 : tolerance[idx];
                    values[idx] = alpha * sum + beta * old;
                    // Float.MIN_VALUE: a sum that cancels to zero may come out as the tiniest subnormal.
                    tolerance[idx] = gamma * (Math.abs(alpha) * abs + Math.abs(beta * old))
                            + Math.abs(beta) * oldTolerance + Float.MIN_VALUE;
                }
            }
        }
        return new Expected(values, tolerance);
    }
}
