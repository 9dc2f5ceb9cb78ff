package org.siftfunnel.engine.estimate;

import java.util.function.Consumer;

/**
 * A source of (x, z) mini-batches, visited once per epoch. Implementations decide the order
 * (e.g. a seeded shuffle per epoch) and may compute z on the fly (e.g. a model's features).
 */
public interface PairData {
    /** How many batches {@link #forEachBatch} delivers per epoch. */
    int batchesPerEpoch();

    /**
     * Delivers the batches of epoch {@code epoch} (counted from 1) in order, on the calling
     * thread, releasing any resources before returning.
     */
    void forEachBatch(int epoch, Consumer<PairBatch> consumer);
}
