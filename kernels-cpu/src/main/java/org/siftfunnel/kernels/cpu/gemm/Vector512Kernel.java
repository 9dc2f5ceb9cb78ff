package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
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
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            // beta == 0: C is write-only (it may hold garbage such as NaN).
            int ci = cOff;
            put(c00, c01, va, c, ci);
            put(c10, c11, va, c, ci += ldc);
            put(c20, c21, va, c, ci += ldc);
            put(c30, c31, va, c, ci += ldc);
            put(c40, c41, va, c, ci += ldc);
            put(c50, c51, va, c, ci += ldc);
            put(c60, c61, va, c, ci += ldc);
            put(c70, c71, va, c, ci += ldc);
            put(c80, c81, va, c, ci += ldc);
            put(c90, c91, va, c, ci += ldc);
            put(cA0, cA1, va, c, ci += ldc);
            put(cB0, cB1, va, c, ci + ldc);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            int ci = cOff;
            update(c00, c01, va, vb, c, ci);
            update(c10, c11, va, vb, c, ci += ldc);
            update(c20, c21, va, vb, c, ci += ldc);
            update(c30, c31, va, vb, c, ci += ldc);
            update(c40, c41, va, vb, c, ci += ldc);
            update(c50, c51, va, vb, c, ci += ldc);
            update(c60, c61, va, vb, c, ci += ldc);
            update(c70, c71, va, vb, c, ci += ldc);
            update(c80, c81, va, vb, c, ci += ldc);
            update(c90, c91, va, vb, c, ci += ldc);
            update(cA0, cA1, va, vb, c, ci += ldc);
            update(cB0, cB1, va, vb, c, ci + ldc);
        }
    }

    private static void put(FloatVector acc0, FloatVector acc1, FloatVector va, float[] c, int ci) {
        acc0.mul(va).intoArray(c, ci);
        acc1.mul(va).intoArray(c, ci + V);
    }

    private static void update(FloatVector acc0, FloatVector acc1, FloatVector va, FloatVector vb,
                               float[] c, int ci) {
        FloatVector.fromArray(S, c, ci).fma(vb, acc0.mul(va)).intoArray(c, ci);
        FloatVector.fromArray(S, c, ci + V).fma(vb, acc1.mul(va)).intoArray(c, ci + V);
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
