package org.siftfunnel.engine.estimate;

/**
 * Receives a MINE run's progress, e.g. to draw a progress bar. Both calls come from the
 * thread that trains.
 */
@FunctionalInterface
public interface MineProgress {
    /** Ignores everything. */
    MineProgress NONE = (epoch, epochs, trainValue, evalValue) -> {
    };

    /**
     * An epoch ended.
     *
     * @param epoch      the epoch just finished, from 1
     * @param epochs     how many epochs the run has
     * @param trainValue the mean DV estimate over this epoch's training batches (nats)
     * @param evalValue  the evaluation value of this epoch (nats; see the estimator for its definition)
     */
    void epochDone(int epoch, int epochs, double trainValue, double evalValue);

    /** A training batch finished ({@code batch} from 1 to {@code batches}). */
    default void batchDone(int epoch, int batch, int batches) {
    }
}
