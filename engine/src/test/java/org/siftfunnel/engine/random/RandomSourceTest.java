package org.siftfunnel.engine.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Statistical sanity and determinism of the seeded fills. Bounds are about five standard
 * errors wide, so a correct generator fails with negligible probability (and, being seeded,
 * never flakes).
 */
class RandomSourceTest {
    private static final int N = 100_000;
    private final Backend be = Backends.reference();

    @Test
    void sameSeedGivesTheSameSequence() {
        float[] a = Tensor.rand(be, new RandomSource(42), 0f, 1f, 1000).toArray();
        float[] b = Tensor.rand(be, new RandomSource(42), 0f, 1f, 1000).toArray();
        assertArrayEquals(a, b, 0f);
        float[] na = Tensor.randn(be, new RandomSource(42), 0f, 1f, 999).toArray();
        float[] nb = Tensor.randn(be, new RandomSource(42), 0f, 1f, 999).toArray();
        assertArrayEquals(na, nb, 0f);
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        float[] a = Tensor.rand(be, new RandomSource(1), 0f, 1f, 1000).toArray();
        float[] b = Tensor.rand(be, new RandomSource(2), 0f, 1f, 1000).toArray();
        int equal = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                equal++;
            }
        }
        // Two independent 24-bit uniforms coincide with probability 2^-24 each.
        assertTrue(equal <= 1, equal + " of 1000 draws coincide between seeds 1 and 2");
    }

    @Test
    void consecutiveFillsUseFreshCountersAndSplitFillsAgree() {
        RandomSource rng = new RandomSource(9);
        float[] first = Tensor.rand(be, rng, 0f, 1f, 300).toArray();
        float[] second = Tensor.rand(be, rng, 0f, 1f, 300).toArray();
        assertFalse(Arrays.equals(first, second), "a second fill must not repeat the first");
        // One fill of 600 equals two fills of 300: draws depend only on (seed, position).
        float[] whole = Tensor.rand(be, new RandomSource(9), 0f, 1f, 600).toArray();
        assertArrayEquals(first, Arrays.copyOfRange(whole, 0, 300), 0f);
        assertArrayEquals(second, Arrays.copyOfRange(whole, 300, 600), 0f);
        assertEquals(600, rng.position());
    }

    @Test
    void seekReplaysTheStream() {
        RandomSource rng = new RandomSource(5);
        rng.reserve(17);
        long mark = rng.position();
        float a = rng.nextFloat();
        int b = rng.nextInt(1000);
        rng.seek(mark);
        assertEquals(a, rng.nextFloat(), 0f);
        assertEquals(b, rng.nextInt(1000));
    }

    @Test
    void uniformMeanAndVariance() {
        float lo = -2f;
        float hi = 3f;
        float[] v = Tensor.rand(be, new RandomSource(11), lo, hi, N).toArray();
        double[] mv = meanVar(v);
        for (float x : v) {
            assertTrue(x >= lo && x < hi, "uniform draw " + x + " outside [" + lo + ", " + hi + ")");
        }
        double width = hi - lo;
        double expectedVar = width * width / 12;
        assertEquals(0.5, mv[0], 5 * Math.sqrt(expectedVar / N), "mean");
        // Var of the sample variance of a uniform: (μ4 − σ⁴)/N with μ4 = width⁴/80.
        double sdVar = Math.sqrt((Math.pow(width, 4) / 80 - expectedVar * expectedVar) / N);
        assertEquals(expectedVar, mv[1], 5 * sdVar, "variance");
    }

    @Test
    void bernoulliRate() {
        for (float p : new float[] {0.1f, 0.5f, 0.93f}) {
            float[] v = Tensor.bernoulli(be, new RandomSource(13), p, N).toArray();
            int ones = 0;
            for (float x : v) {
                assertTrue(x == 0f || x == 1f, "bernoulli draw " + x);
                if (x == 1f) {
                    ones++;
                }
            }
            double rate = (double) ones / N;
            assertEquals(p, rate, 5 * Math.sqrt(p * (1 - p) / N), "rate for p=" + p);
        }
    }

    @Test
    void normalMeanAndStd() {
        float[] v = Tensor.randn(be, new RandomSource(17), 1.5f, 2f, N).toArray();
        double[] mv = meanVar(v);
        assertEquals(1.5, mv[0], 5 * 2 / Math.sqrt(N), "mean");
        // The sample variance of a normal has standard error σ²·sqrt(2/N).
        assertEquals(4.0, mv[1], 5 * 4 * Math.sqrt(2.0 / N), "variance");
        // Tails: about 4.55% beyond 2σ for a true normal.
        int beyond = 0;
        for (float x : v) {
            if (Math.abs(x - 1.5f) > 4f) {
                beyond++;
            }
        }
        double frac = (double) beyond / N;
        assertEquals(0.0455, frac, 5 * Math.sqrt(0.0455 * 0.9545 / N), "fraction beyond 2σ");
    }

    @Test
    void nextIntStaysInBoundsAndCoversThem() {
        RandomSource rng = new RandomSource(23);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) {
            int k = rng.nextInt(7);
            assertTrue(k >= 0 && k < 7, "nextInt(7) gave " + k);
            counts[k]++;
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "bucket counts " + Arrays.toString(counts));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void forksAreDeterministicAndIndependentOfTheParent() {
        RandomSource a = new RandomSource(31);
        RandomSource b = new RandomSource(31);
        RandomSource fa = a.fork();
        RandomSource fb = b.fork();
        assertEquals(fa.seed(), fb.seed());
        assertTrue(fa.seed() != a.seed(), "a fork needs its own seed");
        assertEquals(fa.nextFloat(), fb.nextFloat(), 0f);
        assertTrue(a.fork().seed() != fa.seed(), "a second fork must differ from the first");
    }

    private static double[] meanVar(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        double mean = s / v.length;
        double ss = 0;
        for (float x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, ss / (v.length - 1)};
    }
}
