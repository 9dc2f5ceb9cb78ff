package org.siftfunnel.engine.random;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
 * counter-based generator. Draw {@code i} of a stream is a pure function of (seed, i), so
 * any backend, thread count or work split produces the same numbers. Only integer
 * arithmetic is involved, which makes uniform and Bernoulli draws bit-identical everywhere.
 *
 * <p>Element {@code i} of a fill uses counter {@code (lo32(i), hi32(i), 0, 0)} and key
 * {@code (lo32(seed), hi32(seed))}; the first output word gives a uniform, the first two a
 * normal (Box–Muller).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_POW_M24 = 0x1.0p-24f;

    private Philox() {
    }

    /** The first two 32-bit output words for a counter, packed as (word1 << 32 | word0). */
    public static long draw2(long seed, long counter) {
        return rounds((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), false);
    }

    /**
     * One full Philox4x32-10 block: the four output words for counter (c0, c1, c2, c3) and key
     * (k0, k1). Exposed so the generator can be checked against the Random123 known answers.
     */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        long low = rounds(c0, c1, c2, c3, k0, k1, false);
        long high = rounds(c0, c1, c2, c3, k0, k1, true);
        return new int[] {(int) low, (int) (low >>> 32), (int) high, (int) (high >>> 32)};
    }

    /**
     * The ten rounds. Returns output words (1, 0) or, when {@code highWords}, (3, 2), packed as
     * (odd << 32 | even): a long rather than an array so the per-element fill path allocates nothing.
     */
    private static long rounds(int c0, int c1, int c2, int c3, int k0, int k1, boolean highWords) {
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        return highWords ? ((long) c3 << 32) | (c2 & 0xFFFFFFFFL) : ((long) c1 << 32) | (c0 & 0xFFFFFFFFL);
    }

    /** Uniform float in [0, 1) with 24 random bits. */
    public static float uniform(long seed, long counter) {
        int w0 = (int) draw2(seed, counter);
        return (w0 >>> 8) * TWO_POW_M24;
    }

    /** Uniform in [lo, hi), computed in float so every backend can reproduce it exactly. */
    public static float uniform(long seed, long counter, float lo, float hi) {
        return lo + uniform(seed, counter) * (hi - lo);
    }

    /** 1 with probability p, else 0. */
    public static float bernoulli(long seed, long counter, float p) {
        return uniform(seed, counter) < p ? 1f : 0f;
    }

    /** Standard normal by Box–Muller from the counter's first two words. */
    public static float normal(long seed, long counter) {
        long w = draw2(seed, counter);
        int w0 = (int) w;
        int w1 = (int) (w >>> 32);
        double u1 = ((w0 >>> 8) + 1) * 0x1.0p-24; // (0, 1]: log is finite
        double u2 = (w1 >>> 8) * 0x1.0p-24;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }
}
