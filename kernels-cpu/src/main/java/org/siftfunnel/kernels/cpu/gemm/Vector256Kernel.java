package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * AVX2-sized kernels: a 6×16 register tile (6 rows × two 8-float vectors = 12 accumulators,
 * plus two B vectors and one broadcast: 15 of the 16 AVX2 registers).
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
    public void multiplyPacked(int kc, float[] a, int aOff, float[] b, int bOff,
                               float alpha, float beta, float[] c, int cOff, int ldc) {
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
        // The write-back is spelled out: passing vectors to a helper method makes C2 box the
        // accumulators inside the k loop, which costs over 10x.
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        // Reading C through a mask that is empty when beta == 0 keeps C write-only then (it may
        // hold NaN) with a single write-back path: two paths would double the vector code, and
        // then C2 runs out of inlining budget and leaves vector operations un-intrinsified.
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : V);
        int ci = cOff;
        c00.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c01.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c10.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c11.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c20.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c21.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c30.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c31.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c40.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c41.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c50.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c51.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
    }

    @Override
    public void directRowMajorB(int m, int n, int k, float alpha,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        DirectKernels256.rowMajorB(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, ldb,
                beta, c, cOff, ldc);
    }

    @Override
    public void directDot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldbT, float beta, float[] c, int cOff, int ldc) {
        DirectKernels256.dot(m, n, k, alpha, a, aOff, lda, b, bOff, ldbT, beta, c, cOff, ldc);
    }
}
