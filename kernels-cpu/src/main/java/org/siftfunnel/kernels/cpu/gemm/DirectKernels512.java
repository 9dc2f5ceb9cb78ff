package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unpacked small-problem kernels for 512-bit vectors (see {@link MicroKernel#directRowMajorB}
 * and {@link MicroKernel#directDot}). The same code exists once per width because the
 * species must be a compile-time constant for C2 to intrinsify it. Results are written back
 * inline rather than through helper methods (vectors passed to a method make C2 box the
 * accumulators inside the loops), and C is read through a mask that is empty when beta == 0
 * (C is then write-only) so that there is one write-back path instead of two.
 */
final class DirectKernels512 {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int V = S.length();

    private DirectKernels512() {
    }

    static void rowMajorB(int m, int n, int k, float alpha,
                          float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            fourRows(n, k, alpha, a, aOff + i * aRowStride, aRowStride, aColStride, b, bOff, ldb,
                    beta, c, cOff + i * ldc, ldc);
        }
        for (; i < m; i++) {
            oneRow(n, k, alpha, a, aOff + i * aRowStride, aColStride, b, bOff, ldb, beta, c, cOff + i * ldc);
        }
    }

    /** Four rows of C; 8 accumulators over full 2-vector column chunks, then masked single vectors. */
    private static void fourRows(int n, int k, float alpha, float[] a, int a0, int ars, int acs,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int c0, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : V);
        int j = 0;
        for (; j + 2 * V <= n; j += 2 * V) {
            FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
            FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
            FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
            FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
            int ap = a0;
            int bp = bOff + j;
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
                FloatVector x = FloatVector.broadcast(S, a[ap]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(S, a[ap + ars]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
                x = FloatVector.broadcast(S, a[ap + 2 * ars]);
                s20 = x.fma(b0, s20);
                s21 = x.fma(b1, s21);
                x = FloatVector.broadcast(S, a[ap + 3 * ars]);
                s30 = x.fma(b0, s30);
                s31 = x.fma(b1, s31);
                ap += acs;
                bp += ldb;
            }
            int ci = c0 + j;
            s00.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
            s01.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
            ci += ldc;
            s10.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
            s11.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
            ci += ldc;
            s20.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
            s21.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
            ci += ldc;
            s30.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
            s31.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        }
        for (; j < n; j += V) {
            VectorMask<Float> mask = S.indexInRange(j, n);
            VectorMask<Float> readMask = S.indexInRange(j, beta == 0f ? j : n);
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            int ap = a0;
            int bp = bOff + j;
            for (int p = 0; p < k; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bp, mask);
                s0 = FloatVector.broadcast(S, a[ap]).fma(bv, s0);
                s1 = FloatVector.broadcast(S, a[ap + ars]).fma(bv, s1);
                s2 = FloatVector.broadcast(S, a[ap + 2 * ars]).fma(bv, s2);
                s3 = FloatVector.broadcast(S, a[ap + 3 * ars]).fma(bv, s3);
                ap += acs;
                bp += ldb;
            }
            int ci = c0 + j;
            s0.fma(va, FloatVector.fromArray(S, c, ci, readMask).mul(vb)).intoArray(c, ci, mask);
            ci += ldc;
            s1.fma(va, FloatVector.fromArray(S, c, ci, readMask).mul(vb)).intoArray(c, ci, mask);
            ci += ldc;
            s2.fma(va, FloatVector.fromArray(S, c, ci, readMask).mul(vb)).intoArray(c, ci, mask);
            ci += ldc;
            s3.fma(va, FloatVector.fromArray(S, c, ci, readMask).mul(vb)).intoArray(c, ci, mask);
        }
    }

    /** One row of C (the rows left over after blocks of four). */
    private static void oneRow(int n, int k, float alpha, float[] a, int a0, int acs,
                               float[] b, int bOff, int ldb, float beta, float[] c, int c0) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : V);
        int j = 0;
        for (; j + 2 * V <= n; j += 2 * V) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            int ap = a0;
            int bp = bOff + j;
            for (int p = 0; p < k; p++) {
                FloatVector x = FloatVector.broadcast(S, a[ap]);
                s0 = x.fma(FloatVector.fromArray(S, b, bp), s0);
                s1 = x.fma(FloatVector.fromArray(S, b, bp + V), s1);
                ap += acs;
                bp += ldb;
            }
            int ci = c0 + j;
            s0.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
            s1.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
        }
        for (; j < n; j += V) {
            VectorMask<Float> mask = S.indexInRange(j, n);
            VectorMask<Float> readMask = S.indexInRange(j, beta == 0f ? j : n);
            FloatVector s = FloatVector.zero(S);
            int ap = a0;
            int bp = bOff + j;
            for (int p = 0; p < k; p++) {
                s = FloatVector.broadcast(S, a[ap]).fma(FloatVector.fromArray(S, b, bp, mask), s);
                ap += acs;
                bp += ldb;
            }
            s.fma(va, FloatVector.fromArray(S, c, c0 + j, readMask).mul(vb)).intoArray(c, c0 + j, mask);
        }
    }

    static void dot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldbT, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * ldbT;
                int b1 = b0 + ldbT;
                int b2 = b1 + ldbT;
                int b3 = b2 + ldbT;
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S);
                FloatVector s3 = FloatVector.zero(S);
                int p = 0;
                for (; p + V <= k; p += V) {
                    FloatVector x = FloatVector.fromArray(S, a, ai + p);
                    s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                if (p < k) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    FloatVector x = FloatVector.fromArray(S, a, ai + p, mask);
                    s0 = x.fma(FloatVector.fromArray(S, b, b0 + p, mask), s0);
                    s1 = x.fma(FloatVector.fromArray(S, b, b1 + p, mask), s1);
                    s2 = x.fma(FloatVector.fromArray(S, b, b2 + p, mask), s2);
                    s3 = x.fma(FloatVector.fromArray(S, b, b3 + p, mask), s3);
                }
                storeScalar(s0.reduceLanes(VectorOperators.ADD), alpha, beta, c, ci + j);
                storeScalar(s1.reduceLanes(VectorOperators.ADD), alpha, beta, c, ci + j + 1);
                storeScalar(s2.reduceLanes(VectorOperators.ADD), alpha, beta, c, ci + j + 2);
                storeScalar(s3.reduceLanes(VectorOperators.ADD), alpha, beta, c, ci + j + 3);
            }
            for (; j < n; j++) {
                int bj = bOff + j * ldbT;
                FloatVector s = FloatVector.zero(S);
                int p = 0;
                for (; p + V <= k; p += V) {
                    s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
                }
                if (p < k) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    s = FloatVector.fromArray(S, a, ai + p, mask).fma(FloatVector.fromArray(S, b, bj + p, mask), s);
                }
                storeScalar(s.reduceLanes(VectorOperators.ADD), alpha, beta, c, ci + j);
            }
        }
    }

    private static void storeScalar(float sum, float alpha, float beta, float[] c, int ci) {
        c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
    }
}
