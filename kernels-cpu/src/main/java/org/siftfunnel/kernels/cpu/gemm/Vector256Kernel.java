package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * AVX2-sized kernels: a 6×16 register tile (6 rows × two 8-float vectors = 12 accumulators,
 * plus two B vectors and one broadcast: 15 of the 16 AVX2 registers).
 *
 * <p>The species is a {@code static final} constant so that C2 intrinsifies every vector
 * operation. The accumulators are locals and never passed to another method (C2 would box
 * them inside the k loop); the product goes to a scratch tile and {@link #update} applies
 * alpha and beta in a separate, small method. Keeping each method small matters: C1 gives
 * up on a method with too many vector operations ("out of virtual registers"), and a method
 * that C1 cannot compile may be left running the Vector API's slow Java fallback.
 */
final class Vector256Kernel implements MicroKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int V = 8;
    private static final int MR = 6;
    private static final int NR = 2 * V;

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
        return "256-bit " + MR + "x" + NR;
    }

    @Override
    public void multiplyPacked(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            ai += MR;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, V);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + V);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + V);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + V);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + V);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + V);
    }

    @Override
    public void update(float[] tile, int tileStride, int rows, int cols, float alpha, float beta,
                       float[] c, int cOff, int ldc) {
        updateTile(tile, tileStride, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /** {@link MicroKernel#update}, shared with {@link DirectKernels256}. */
    static void updateTile(float[] tile, int tileStride, int rows, int cols, float alpha, float beta,
                           float[] c, int cOff, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        // C is read through a mask that is empty when beta == 0, so that C is write-only then (it
        // may hold NaN) without a second copy of the code.
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : V);
        int fullCols = cols - cols % V;
        VectorMask<Float> tail = S.indexInRange(fullCols, cols);
        VectorMask<Float> readTail = S.indexInRange(fullCols, beta == 0f ? fullCols : cols);
        for (int r = 0; r < rows; r++) {
            int t = r * tileStride;
            int ci = cOff + r * ldc;
            for (int j = 0; j < fullCols; j += V) {
                FloatVector.fromArray(S, tile, t + j)
                        .fma(va, FloatVector.fromArray(S, c, ci + j, readC).mul(vb))
                        .intoArray(c, ci + j);
            }
            if (fullCols < cols) {
                FloatVector.fromArray(S, tile, t + fullCols, tail)
                        .fma(va, FloatVector.fromArray(S, c, ci + fullCols, readTail).mul(vb))
                        .intoArray(c, ci + fullCols, tail);
            }
        }
    }

    @Override
    public void directRowMajorB(int m, int n, int k, float alpha,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, float[] tile) {
        DirectKernels256.rowMajorB(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, ldb,
                beta, c, cOff, ldc, tile);
    }

    @Override
    public void directDot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldbT, float beta, float[] c, int cOff, int ldc) {
        DirectKernels256.dot(m, n, k, alpha, a, aOff, lda, b, bOff, ldbT, beta, c, cOff, ldc);
    }
}
