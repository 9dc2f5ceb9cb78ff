package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * AVX-512-sized kernels: a 12×32 register tile (12 rows × two 16-float vectors = 24
 * accumulators, plus two B vectors and one broadcast: 27 of the 32 vector registers).
 *
 * <p>The species is a {@code static final} constant so that C2 intrinsifies every vector
 * operation; accumulators are plain locals so they never leave registers.
 */
final class Vector512Kernel implements MicroKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int V = 16;
    private static final int MR = 12;
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
        return "512-bit " + MR + "x" + NR;
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
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector cA0 = FloatVector.zero(S), cA1 = FloatVector.zero(S);
        FloatVector cB0 = FloatVector.zero(S), cB1 = FloatVector.zero(S);
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
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, a[ai + 10]);
            cA0 = x.fma(b0, cA0);
            cA1 = x.fma(b1, cA1);
            x = FloatVector.broadcast(S, a[ai + 11]);
            cB0 = x.fma(b0, cB0);
            cB1 = x.fma(b1, cB1);
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
        ci += ldc;
        c60.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c61.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c70.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c71.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c80.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c81.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        c90.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        c91.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        cA0.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        cA1.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        ci += ldc;
        cB0.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        cB1.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
    }

    @Override
    public void directRowMajorB(int m, int n, int k, float alpha,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        DirectKernels512.rowMajorB(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, ldb,
                beta, c, cOff, ldc);
    }

    @Override
    public void directDot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldbT, float beta, float[] c, int cOff, int ldc) {
        DirectKernels512.dot(m, n, k, alpha, a, aOff, lda, b, bOff, ldbT, beta, c, cOff, ldc);
    }
}
