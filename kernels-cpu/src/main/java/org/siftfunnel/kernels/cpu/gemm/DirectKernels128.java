package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unpacked small-problem kernels for 128-bit vectors (see {@link MicroKernel#directRowMajorB}
 * and {@link MicroKernel#directDot}). The same code exists once per width because the
 * species must be a compile-time constant for C2 to intrinsify it.
 *
 * <p>Shaped for the JIT: no vector crosses a method boundary (C2 would box it, inside the
 * loops), and each method stays small (a large one exhausts C1's registers and C2's inlining
 * budget, and may then be left running the Vector API's slow Java fallback). The widest block
 * therefore leaves its product in a scratch tile for {@link Vector128Kernel#updateTile}. C is
 * read through a mask that is empty when beta == 0, which keeps C write-only then (it may hold
 * NaN) with a single write-back path.
 */
final class DirectKernels128 {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
    private static final int V = S.length();

    private DirectKernels128() {
    }

    static void rowMajorB(int m, int n, int k, float alpha,
                          float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc, float[] tile) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int ai = aOff + i * aRowStride;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j + 2 * V <= n; j += 2 * V) {
                fourRowsTwoVectors(k, a, ai, aRowStride, aColStride, b, bOff + j, ldb, tile);
                Vector128Kernel.updateTile(tile, 2 * V, 4, 2 * V, alpha, beta, c, ci + j, ldc);
            }
            for (; j < n; j += V) {
                fourRowsOneVector(Math.min(V, n - j), k, alpha, a, ai, aRowStride, aColStride,
                        b, bOff + j, ldb, beta, c, ci + j, ldc);
            }
        }
        for (; i < m; i++) {
            int ai = aOff + i * aRowStride;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j + 2 * V <= n; j += 2 * V) {
                oneRowTwoVectors(k, alpha, a, ai, aColStride, b, bOff + j, ldb, beta, c, ci + j);
            }
            for (; j < n; j += V) {
                oneRowOneVector(Math.min(V, n - j), k, alpha, a, ai, aColStride, b, bOff + j, ldb, beta, c, ci + j);
            }
        }
    }

    /** The raw product of 4 rows × 2V columns into {@code tile} (row stride 2V); 8 accumulators. */
    private static void fourRowsTwoVectors(int k, float[] a, int ai, int ars, int acs,
                                           float[] b, int bi, int ldb, float[] tile) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[ai + ars]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[ai + 2 * ars]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[ai + 3 * ars]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            ai += acs;
            bi += ldb;
        }
        s00.intoArray(tile, 0);
        s01.intoArray(tile, V);
        s10.intoArray(tile, 2 * V);
        s11.intoArray(tile, 3 * V);
        s20.intoArray(tile, 4 * V);
        s21.intoArray(tile, 5 * V);
        s30.intoArray(tile, 6 * V);
        s31.intoArray(tile, 7 * V);
    }

    /** C[4 rows][cols ≤ V columns] at {@code ci}, masked; 4 accumulators. */
    private static void fourRowsOneVector(int cols, int k, float alpha, float[] a, int ai, int ars, int acs,
                                          float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        VectorMask<Float> mask = S.indexInRange(0, cols);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bi, mask);
            s0 = FloatVector.broadcast(S, a[ai]).fma(bv, s0);
            s1 = FloatVector.broadcast(S, a[ai + ars]).fma(bv, s1);
            s2 = FloatVector.broadcast(S, a[ai + 2 * ars]).fma(bv, s2);
            s3 = FloatVector.broadcast(S, a[ai + 3 * ars]).fma(bv, s3);
            ai += acs;
            bi += ldb;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : cols);
        s0.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci, mask);
        ci += ldc;
        s1.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci, mask);
        ci += ldc;
        s2.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci, mask);
        ci += ldc;
        s3.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci, mask);
    }

    /** C[1 row][2V columns] at {@code ci}. */
    private static void oneRowTwoVectors(int k, float alpha, float[] a, int ai, int acs,
                                         float[] b, int bi, int ldb, float beta, float[] c, int ci) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            s0 = x.fma(FloatVector.fromArray(S, b, bi), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, bi + V), s1);
            ai += acs;
            bi += ldb;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : V);
        s0.fma(va, FloatVector.fromArray(S, c, ci, readC).mul(vb)).intoArray(c, ci);
        s1.fma(va, FloatVector.fromArray(S, c, ci + V, readC).mul(vb)).intoArray(c, ci + V);
    }

    /** C[1 row][cols ≤ V columns] at {@code ci}, masked. */
    private static void oneRowOneVector(int cols, int k, float alpha, float[] a, int ai, int acs,
                                        float[] b, int bi, int ldb, float beta, float[] c, int ci) {
        VectorMask<Float> mask = S.indexInRange(0, cols);
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            s = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi, mask), s);
            ai += acs;
            bi += ldb;
        }
        VectorMask<Float> readC = S.indexInRange(0, beta == 0f ? 0 : cols);
        s.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, ci, readC).mul(beta))
                .intoArray(c, ci, mask);
    }

    static void dot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldbT, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                dotFour(k, alpha, a, ai, b, bOff + j * ldbT, ldbT, beta, c, ci + j);
            }
            for (; j < n; j++) {
                dotOne(k, alpha, a, ai, b, bOff + j * ldbT, beta, c, ci + j);
            }
        }
    }

    /** Four adjacent outputs {@code C[ci..ci+3]}: one A row against four B columns. */
    private static void dotFour(int k, float alpha, float[] a, int ai, float[] b, int b0, int ldbT,
                                float beta, float[] c, int ci) {
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
        // Lanes added one by one: reduceLanes(ADD) adds them in a different order in C2 code
        // than in the interpreter, which made results depend on JIT timing.
        float t0 = 0f;
        float t1 = 0f;
        float t2 = 0f;
        float t3 = 0f;
        for (int lane = 0; lane < V; lane++) {
            t0 += s0.lane(lane);
            t1 += s1.lane(lane);
            t2 += s2.lane(lane);
            t3 += s3.lane(lane);
        }
        store(t0, alpha, beta, c, ci);
        store(t1, alpha, beta, c, ci + 1);
        store(t2, alpha, beta, c, ci + 2);
        store(t3, alpha, beta, c, ci + 3);
    }

    /** One output {@code C[ci]}. */
    private static void dotOne(int k, float alpha, float[] a, int ai, float[] b, int bj,
                               float beta, float[] c, int ci) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (; p + V <= k; p += V) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        if (p < k) {
            VectorMask<Float> mask = S.indexInRange(p, k);
            s = FloatVector.fromArray(S, a, ai + p, mask).fma(FloatVector.fromArray(S, b, bj + p, mask), s);
        }
        float t = 0f;
        for (int lane = 0; lane < V; lane++) {
            t += s.lane(lane);
        }
        store(t, alpha, beta, c, ci);
    }

    private static void store(float sum, float alpha, float beta, float[] c, int ci) {
        c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
    }
}
