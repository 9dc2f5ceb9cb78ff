package org.siftfunnel.kernels.cpu.gemm;

/**
 * Plain-Java kernels (no Vector API): a 4×4 register tile of float locals. Used when the
 * JVM lacks {@code jdk.incubator.vector} or when {@link VectorWidth#SCALAR} is forced.
 */
final class ScalarKernel implements MicroKernel {

    private static final int MR = 4;
    private static final int NR = 4;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public String describe() {
        return "scalar " + MR + "x" + NR;
    }

    @Override
    public void multiplyPacked(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            float b0 = b[bi];
            float b1 = b[bi + 1];
            float b2 = b[bi + 2];
            float b3 = b[bi + 3];
            float x = a[ai];
            c00 += x * b0;
            c01 += x * b1;
            c02 += x * b2;
            c03 += x * b3;
            x = a[ai + 1];
            c10 += x * b0;
            c11 += x * b1;
            c12 += x * b2;
            c13 += x * b3;
            x = a[ai + 2];
            c20 += x * b0;
            c21 += x * b1;
            c22 += x * b2;
            c23 += x * b3;
            x = a[ai + 3];
            c30 += x * b0;
            c31 += x * b1;
            c32 += x * b2;
            c33 += x * b3;
            ai += MR;
            bi += NR;
        }
        tile[0] = c00;
        tile[1] = c01;
        tile[2] = c02;
        tile[3] = c03;
        tile[4] = c10;
        tile[5] = c11;
        tile[6] = c12;
        tile[7] = c13;
        tile[8] = c20;
        tile[9] = c21;
        tile[10] = c22;
        tile[11] = c23;
        tile[12] = c30;
        tile[13] = c31;
        tile[14] = c32;
        tile[15] = c33;
    }

    @Override
    public void update(float[] tile, int tileStride, int rows, int cols, float alpha, float beta,
                       float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                store(tile[r * tileStride + j], alpha, beta, c, cOff + r * ldc + j);
            }
        }
    }

    private static void store(float sum, float alpha, float beta, float[] c, int ci) {
        // beta == 0: C is write-only (it may hold garbage such as NaN).
        c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
    }

    @Override
    public void directRowMajorB(int m, int n, int k, float alpha,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, float[] tile) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * aRowStride;
            for (int j = 0; j < n; j++) {
                float s = 0;
                int ap = ai;
                int bp = bOff + j;
                for (int p = 0; p < k; p++) {
                    s += a[ap] * b[bp];
                    ap += aColStride;
                    bp += ldb;
                }
                store(s, alpha, beta, c, cOff + i * ldc + j);
            }
        }
    }

    @Override
    public void directDot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldbT, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldbT;
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                store(s, alpha, beta, c, cOff + i * ldc + j);
            }
        }
    }
}
