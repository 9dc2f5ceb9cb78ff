package org.siftfunnel.engine.random;

/**
 * A seeded stream of counters for tensor fills. Each fill takes the next {@code n} counters,
 * so consecutive fills never reuse draws, and the numbers depend only on the seed and the
 * order of fills, never on the backend or thread count.
 */
public final class RandomSource {
    private final long seed;
    private long next;

    public RandomSource(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** Reserves {@code n} consecutive counters and returns the first. */
    public synchronized long reserve(long n) {
        long start = next;
        next += n;
        return start;
    }

    /** Position of the stream, for checkpoints that must resume the same sequence. */
    public synchronized long position() {
        return next;
    }

    public synchronized void seek(long position) {
        this.next = position;
    }

    /** A uniform float in [0, 1) on the host, for decisions such as shuffling and flips. */
    public float nextFloat() {
        return Philox.uniform(seed, reserve(1));
    }

    /** A uniform int in [0, bound), bias-free enough for shuffling (24-bit fraction × bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long w = Philox.draw2(seed, reserve(1));
        return (int) (((w & 0xFFFFFFFFL) * bound) >>> 32);
    }

    /** A fresh generator derived from this one (e.g. one per data loader). */
    public RandomSource fork() {
        return new RandomSource(Philox.draw2(seed ^ 0x5DEECE66DL, reserve(1)));
    }
}
