package org.siftfunnel.kernels.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link Sgemm} against a double-precision triple loop at every forced SIMD width
 * (and the scalar kernel), on 1 and 2 threads, through each algorithm (automatic choice,
 * packed only, unpacked only), for all four transpose combinations.
 */
class SgemmTest {

    private static final int[][] SHAPES = {
            {1, 1, 1}, {2, 2, 2}, {15, 15, 15}, {16, 16, 16}, {17, 17, 17}, {31, 31, 31}, {33, 33, 33},
            {64, 64, 64}, {65, 65, 65}, {127, 127, 127}, {130, 130, 130}, {257, 257, 257},
            {31, 17, 23}, {1, 300, 7}, {300, 1, 5}, {3, 70, 40}, {70, 3, 40},
            // Row split (m > n) and column split (n > m) when run on two threads.
            {130, 40, 60}, {40, 130, 60},
            // Wider than one nc block of B.
            {20, 4200, 20},
    };

    private static final float GARBAGE = Float.NaN;
    private static final float SENTINEL = 12345.5f;

    static Stream<Arguments> configurations() {
        List<Arguments> list = new ArrayList<>();
        for (VectorWidth width : new VectorWidth[]{VectorWidth.SCALAR, VectorWidth.BITS_128,
                VectorWidth.BITS_256, VectorWidth.BITS_512}) {
            for (int threads : new int[]{1, 2}) {
                list.add(Arguments.of(width, threads));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @MethodSource("configurations")
    void matchesNaiveLoopForEveryShapeTransposeAndPath(VectorWidth width, int threads) {
        for (Sgemm.PathChoice paths : Sgemm.PathChoice.values()) {
            Sgemm sgemm = splitting(threads, width, paths, null);
            for (int[] s : SHAPES) {
                if (paths != Sgemm.PathChoice.AUTO && (long) s[0] * s[1] * s[2] > 200L * 200 * 200) {
                    continue; // 257³ is packed under AUTO anyway; forcing a path there only costs time
                }
                for (int trans = 0; trans < 4; trans++) {
                    checkSingle(sgemm, trans >= 2, (trans & 1) == 1, s[0], s[1], s[2], 1f, 0f,
                            paths + " " + s[0] + "x" + s[1] + "x" + s[2]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @MethodSource("configurations")
    void alphaAndBetaFollowTheBlasRule(VectorWidth width, int threads) {
        float[][] alphaBeta = {{0.5f, 0f}, {-1.5f, 1f}, {2f, -0.75f}, {1f, 1f}, {0f, 2f}, {0f, 0f}};
        int[][] shapes = {{17, 17, 17}, {65, 65, 65}, {31, 17, 23}, {1, 300, 7}, {130, 40, 300}};
        for (Sgemm.PathChoice paths : Sgemm.PathChoice.values()) {
            Sgemm sgemm = splitting(threads, width, paths, null);
            for (float[] ab : alphaBeta) {
                for (int[] s : shapes) {
                    for (int trans = 0; trans < 4; trans++) {
                        checkSingle(sgemm, trans >= 2, (trans & 1) == 1, s[0], s[1], s[2], ab[0], ab[1],
                                paths + " alpha=" + ab[0] + " beta=" + ab[1] + " " + s[0] + "x" + s[1] + "x" + s[2]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @MethodSource("configurations")
    void tinyBlocksExerciseEveryLoopOfThePackedAlgorithm(VectorWidth width, int threads) {
        Sgemm sgemm = splitting(threads, width, Sgemm.PathChoice.PACKED, new Blocking(1, 5, 1));
        int[][] shapes = {{65, 65, 65}, {31, 17, 23}, {130, 70, 11}, {9, 100, 33}};
        for (int[] s : shapes) {
            for (int trans = 0; trans < 4; trans++) {
                checkSingle(sgemm, trans >= 2, (trans & 1) == 1, s[0], s[1], s[2], 1.25f, 0.5f,
                        "tiny blocks " + s[0] + "x" + s[1] + "x" + s[2]);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @MethodSource("configurations")
    void batchesWithOffsetsAndBroadcastOperands(VectorWidth width, int threads) {
        Sgemm sgemm = splitting(threads, width, Sgemm.PathChoice.AUTO, null);
        // {batch, m, n, k}: small entries, then entries big enough to be split over threads.
        int[][] shapes = {{3, 7, 9, 5}, {4, 40, 40, 50}, {3, 70, 33, 65}};
        for (int[] s : shapes) {
            int batch = s[0];
            int m = s[1];
            int n = s[2];
            int k = s[3];
            for (int trans = 0; trans < 4; trans++) {
                boolean transA = trans >= 2;
                boolean transB = (trans & 1) == 1;
                // {aStride, bStride}: per-entry operands, A broadcast, B broadcast, padded strides.
                int[][] strides = {{m * k, k * n}, {0, k * n}, {m * k, 0}, {m * k + 3, k * n + 1}};
                for (int[] st : strides) {
                    int cStride = m * n + 2;
                    runBatched(sgemm, transA, transB, batch, m, n, k, 0.75f, st[0], st[1], 0f, cStride,
                            width + " batch " + Arrays.toString(s) + " strides " + Arrays.toString(st));
                    runBatched(sgemm, transA, transB, batch, m, n, k, -1f, st[0], st[1], 0.5f, cStride,
                            width + " batch beta " + Arrays.toString(s) + " strides " + Arrays.toString(st));
                }
                // C stride 0 with beta 1: every entry accumulates into the same C, in order.
                runBatched(sgemm, transA, transB, batch, m, n, k, 1f, m * k, k * n, 1f, 0,
                        width + " batch sum " + Arrays.toString(s));
            }
        }
    }

    @Test
    void emptyProductsOnlyScaleC() {
        Sgemm sgemm = new Sgemm(1, VectorWidth.AUTO);
        float[] c = {1, 2, 3, 4};
        sgemm.gemm(false, false, 2, 2, 0, 1f, new float[0], new float[0], 0.5f, c);
        assertEquals(List.of(0.5f, 1f, 1.5f, 2f), boxed(c));
        float[] garbage = {GARBAGE, GARBAGE};
        sgemm.gemm(false, false, 1, 2, 0, 1f, new float[0], new float[0], 0f, garbage);
        assertEquals(List.of(0f, 0f), boxed(garbage));
        // alpha == 0: A and B are not read (BLAS), so NaN there does not reach C.
        float[] d = {1, 2};
        sgemm.gemm(false, false, 1, 2, 1, 0f, new float[]{GARBAGE}, new float[]{GARBAGE, 1}, 3f, d);
        assertEquals(List.of(3f, 6f), boxed(d));
        float[] untouched = {7};
        sgemm.gemm(false, false, 0, 1, 3, 1f, new float[0], new float[3], 0f, untouched);
        assertEquals(List.of(7f), boxed(untouched));
    }

    @Test
    void rejectsBadArgumentsWithAClearMessage() {
        Sgemm sgemm = new Sgemm(1, VectorWidth.AUTO);
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> sgemm.gemm(false, false, 2, 3, 4, 1f, new float[7], new float[12], 0f, new float[6]));
        assertTrue(tooShort.getMessage().contains("gemm") && tooShort.getMessage().contains("A (1 x 2x4"),
                tooShort.getMessage());
        IllegalArgumentException transposed = assertThrows(IllegalArgumentException.class,
                () -> sgemm.gemm(false, true, 2, 3, 4, 1f, new float[8], new float[11], 0f, new float[6]));
        assertTrue(transposed.getMessage().contains("B (1 x 3x4"), transposed.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> sgemm.gemm(false, false, 1, -1, 1, 1, 1f, new float[1], 0, 0, new float[1], 0, 0, 0f, new float[1], 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> sgemm.gemm(false, false, 2, 1, 1, 1, 1f, new float[2], 0, 1, new float[2], -1, 1, 0f, new float[2], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> sgemm.gemm(false, false, 2, 1, 1, 1, 1f, new float[2], 0, 1, new float[2], 0, 1, 0f, new float[2], 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> sgemm.gemm(false, false, 1, 1, 1, 1f, new float[1], new float[1], 0f, null));
        assertThrows(IllegalArgumentException.class, () -> new Sgemm(0, VectorWidth.AUTO));
    }

    @Test
    void vectorWidthParsesItsNames() {
        assertEquals(VectorWidth.BITS_256, VectorWidth.parse("256"));
        assertEquals(VectorWidth.BITS_512, VectorWidth.parse(" BITS_512 "));
        assertEquals(VectorWidth.SCALAR, VectorWidth.parse("Scalar"));
        assertEquals(VectorWidth.AUTO, VectorWidth.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorWidth.parse("64"));
        assertTrue(e.getMessage().contains("'64'"), e.getMessage());
    }

    @Test
    void describesKernelAndThreads() {
        assertTrue(new Sgemm(2, VectorWidth.BITS_256).description().startsWith("256-bit 6x16 tile"));
        assertTrue(new Sgemm(1, VectorWidth.SCALAR).description().endsWith("1 thread"));
    }

    @Test
    void defaultThresholdsSplitLargeProductsOnly() {
        // The tuned instance: 257³ and batches of it go through the real thread pool.
        Sgemm sgemm = new Sgemm(2, VectorWidth.AUTO);
        checkSingle(sgemm, false, false, 257, 257, 257, 1f, 0f, "default thresholds");
        runBatched(sgemm, false, true, 2, 130, 130, 130, 1f, 0, 130 * 130, 0f, 130 * 130, "default thresholds");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * An instance that splits every product over its threads, however small, so that the
     * row and column splits are tested on every shape.
     */
    private static Sgemm splitting(int threads, VectorWidth width, Sgemm.PathChoice paths, Blocking blocking) {
        return new Sgemm(threads, width, paths, blocking, 1);
    }

    private static void checkSingle(Sgemm sgemm, boolean transA, boolean transB, int m, int n, int k,
                                    float alpha, float beta, String context) {
        SplittableRandom rng = new SplittableRandom(31L * m + 17L * n + k);
        // Odd offsets keep vector loads unaligned relative to the array start.
        int aOff = 3;
        int bOff = 1;
        int cOff = 5;
        float[] a = randomArray(rng, aOff + m * k + 4);
        float[] b = randomArray(rng, bOff + k * n + 4);
        float[] c = randomArray(rng, cOff + m * n + 4);
        fillSentinels(c, cOff, m * n);
        if (beta == 0f) {
            Arrays.fill(c, cOff, cOff + m * n, GARBAGE);
        }
        String key = "single " + transA + transB + m + "x" + n + "x" + k + " " + alpha + " " + beta;
        NaiveGemm.Expected expected = NaiveGemm.cached(key, transA, transB, 1, m, n, k, alpha,
                a, aOff, 0, b, bOff, 0, beta, c, cOff, 0);
        sgemm.gemm(transA, transB, 1, m, n, k, alpha, a, aOff, 0, b, bOff, 0, beta, c, cOff, 0);
        expected.assertMatches(c, sgemm + " " + context + " transA=" + transA + " transB=" + transB);
    }

    private static void runBatched(Sgemm sgemm, boolean transA, boolean transB, int batch, int m, int n, int k,
                                   float alpha, int aStride, int bStride, float beta, int cStride, String context) {
        SplittableRandom rng = new SplittableRandom(batch * 1000L + m * 7L + n * 3L + k);
        int aOff = 2;
        int bOff = 6;
        int cOff = 3;
        float[] a = randomArray(rng, aOff + (batch - 1) * aStride + m * k + 2);
        float[] b = randomArray(rng, bOff + (batch - 1) * bStride + k * n + 2);
        float[] c = new float[cOff + (batch - 1) * cStride + m * n + 3];
        Arrays.fill(c, SENTINEL);
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m * n; i++) {
                c[cOff + t * cStride + i] = beta == 0f ? GARBAGE : (float) (rng.nextDouble() * 2 - 1);
            }
        }
        String key = "batched " + transA + transB + batch + " " + m + "x" + n + "x" + k + " " + alpha + " " + beta
                + " strides " + aStride + "," + bStride + "," + cStride;
        NaiveGemm.Expected expected = NaiveGemm.cached(key, transA, transB, batch, m, n, k, alpha,
                a, aOff, aStride, b, bOff, bStride, beta, c, cOff, cStride);
        sgemm.gemm(transA, transB, batch, m, n, k, alpha, a, aOff, aStride, b, bOff, bStride, beta, c, cOff, cStride);
        expected.assertMatches(c, sgemm + " " + context + " transA=" + transA + " transB=" + transB);
    }

    private static float[] randomArray(SplittableRandom rng, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Values around the C block that the GEMM must leave exactly as they are. */
    private static void fillSentinels(float[] c, int off, int size) {
        Arrays.fill(c, 0, off, SENTINEL);
        Arrays.fill(c, off + size, c.length, SENTINEL);
    }

    private static List<Float> boxed(float[] x) {
        List<Float> list = new ArrayList<>();
        for (float v : x) {
            list.add(v);
        }
        return list;
    }
}
