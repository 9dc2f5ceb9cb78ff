package org.siftfunnel.engine.estimate;

import java.util.Arrays;
import java.util.function.Consumer;

import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * In-memory pairs {@code X [N, ...]}, {@code Z [N, ...]} cut into mini-batches, optionally in a
 * seeded random order per epoch (the order of epoch e depends only on the seed and e).
 */
public final class TensorPairs implements PairData {
    private static final long ORDER_SALT = 0x70616972L;

    private final Tensor x;
    private final Tensor z;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;

    /**
     * @param shuffle  visit the rows in a new random order every epoch
     * @param dropLast skip a last batch smaller than {@code batchSize} (a tiny batch gives a
     *                 very noisy log-mean-exp)
     */
    public TensorPairs(Tensor x, Tensor z, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        if (x == null || z == null || x.rank() < 1 || z.rank() < 1 || x.size(0) != z.size(0)) {
            throw new IllegalArgumentException("TensorPairs: X and Z need the same number of rows, got shapes "
                    + (x == null ? "null" : Arrays.toString(x.shape())) + " and " + (z == null ? "null" : Arrays.toString(z.shape())));
        }
        if (x.backend() != z.backend()) {
            throw new IllegalArgumentException("TensorPairs: X is on " + x.backend().name() + ", Z on " + z.backend().name());
        }
        if (batchSize < 1 || (dropLast && batchSize > x.size(0))) {
            throw new IllegalArgumentException("TensorPairs: batch size " + batchSize + " makes no batch of " + x.size(0)
                    + " rows" + (dropLast ? " with dropLast" : ""));
        }
        this.x = x.detach();
        this.z = z.detach();
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    /** Rows in order, the last partial batch kept: for evaluation. */
    public static TensorPairs inOrder(Tensor x, Tensor z, int batchSize) {
        return new TensorPairs(x, z, batchSize, false, false, 0);
    }

    public int rows() {
        return x.size(0);
    }

    @Override
    public int batchesPerEpoch() {
        int n = rows();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public void forEachBatch(int epoch, Consumer<PairBatch> consumer) {
        int n = rows();
        int[] order = shuffle ? Rows.permutation(n, new RandomSource(Philox.draw2(seed ^ ORDER_SALT, epoch))) : null;
        for (int b = 0; b < batchesPerEpoch(); b++) {
            int start = b * batchSize;
            int end = Math.min(n, start + batchSize);
            if (order == null) {
                consumer.accept(new PairBatch(x.slice(0, start, end), z.slice(0, start, end)));
            } else {
                int[] rows = Arrays.copyOfRange(order, start, end);
                consumer.accept(new PairBatch(Rows.take(x, rows), Rows.take(z, rows)));
            }
        }
    }
}
