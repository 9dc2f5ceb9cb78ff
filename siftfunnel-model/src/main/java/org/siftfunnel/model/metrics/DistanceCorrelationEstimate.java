package org.siftfunnel.model.metrics;

import java.util.Arrays;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Distance correlation dCor (not squared; NoPeek's measure, {@link Losses#distanceCorrelation})
 * between two paired sets of samples, e.g. inputs and features dCor(x, z) or inputs and
 * reconstructions dCor(x, x̂), estimated on batches because it needs an n×n distance matrix.
 *
 * <p><b>Batching rule.</b> With N ≤ batchSize, one batch of all N samples. Otherwise the
 * samples are shuffled once with a permutation drawn from the seed, cut into ⌊N/batchSize⌋
 * batches of exactly batchSize, and the N mod batchSize samples left over are not used. The
 * estimate is the mean of the per-batch values. All batches have the same size because the
 * sample dCor is biased upwards for small n, so batches of different sizes would not be
 * comparable; the same seed and batch size must be used for numbers that are compared.
 *
 * @param mean       mean dCor over batches
 * @param std        population standard deviation over batches
 * @param batches    how many batches
 * @param batchSize  samples per batch
 * @param samplesUsed batches · batchSize (all N when N ≤ batchSize)
 */
public record DistanceCorrelationEstimate(double mean, double std, int batches, int batchSize, int samplesUsed) {

    /** The batch size used when a caller has no reason to pick another (as in NoPeek-style evaluations). */
    public static final int DEFAULT_BATCH_SIZE = 256;

    /**
     * Estimates dCor between {@code a} [N, ...] and {@code b} [N, ...] (each sample flattened).
     *
     * @param batchSize samples per batch, at least 2
     * @param seed      seed of the shuffle (unused when N ≤ batchSize)
     */
    public static DistanceCorrelationEstimate estimate(Tensor a, Tensor b, int batchSize, long seed) {
        if (a == null || b == null) {
            throw new IllegalArgumentException("dcor_estimate: inputs are null");
        }
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (sa.length < 2 || sb.length < 2 || sa[0] != sb[0]) {
            throw new IllegalArgumentException("dcor_estimate: needs two [N, ...] tensors with the same N, got "
                    + Arrays.toString(sa) + " and " + Arrays.toString(sb));
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("dcor_estimate: batch size must be at least 2, got " + batchSize);
        }
        int n = sa[0];
        if (n < 2) {
            throw new IllegalArgumentException("dcor_estimate: needs at least 2 samples, got shape " + Arrays.toString(sa));
        }
        if (n <= batchSize) {
            double d = dcor(a, b);
            return new DistanceCorrelationEstimate(d, 0, 1, n, n);
        }
        int[] order = permutation(n, new RandomSource(seed));
        int batches = n / batchSize;
        float[] av = a.toArray();
        float[] bv = b.toArray();
        double[] values = new double[batches];
        for (int k = 0; k < batches; k++) {
            int[] rows = Arrays.copyOfRange(order, k * batchSize, (k + 1) * batchSize);
            values[k] = dcor(rows(a, av, rows), rows(b, bv, rows));
        }
        Summary s = Summary.of(values);
        return new DistanceCorrelationEstimate(s.mean(), s.std(), batches, batchSize, batches * batchSize);
    }

    private static double dcor(Tensor a, Tensor b) {
        try (GradMode.Scope _ = GradMode.noGrad()) {
            return Losses.distanceCorrelation(a, b, false).item();
        }
    }

    /** The given samples of t (whose values are {@code values}) as a new tensor on t's backend. */
    private static Tensor rows(Tensor t, float[] values, int[] rows) {
        int[] shape = t.shape();
        int per = values.length / shape[0];
        float[] out = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values, rows[i] * per, out, i * per, per);
        }
        shape[0] = rows.length;
        return Tensor.of(t.backend(), out, shape);
    }

    /** Fisher–Yates shuffle of 0..n−1. */
    private static int[] permutation(int n, RandomSource random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
