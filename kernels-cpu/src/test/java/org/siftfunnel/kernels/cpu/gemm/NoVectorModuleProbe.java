package org.siftfunnel.kernels.cpu.gemm;

/**
 * Run by {@link ScalarFallbackTest} in a JVM started without {@code jdk.incubator.vector}:
 * prints the kernel description and whether a small product matched the naive loop.
 */
public final class NoVectorModuleProbe {

    private NoVectorModuleProbe() {
    }

    public static void main(String[] args) {
        int m = 5;
        int n = 7;
        int k = 9;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) - 2;
        }
        float[] c = new float[m * n];
        Sgemm sgemm = new Sgemm(1, VectorWidth.AUTO);
        sgemm.gemm(false, false, m, n, k, 1f, a, b, 0f, c);
        boolean exact = true;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                // Small integers: every summation order is exact.
                exact &= s == c[i * n + j];
            }
        }
        System.out.println(sgemm.description());
        System.out.println(exact ? "result: exact" : "result: WRONG");
    }
}
