package org.siftfunnel.engine.optim;

import java.util.Map;

/**
 * A learning-rate schedule advanced once per epoch (or per step, as its owner decides) that
 * sets its optimiser's learning rate. {@link ReduceLROnPlateau} is driven by a metric instead
 * and has its own {@code step(double)}.
 */
public interface LrScheduler {
    /** Advances the schedule by one unit and updates the optimiser's learning rate. */
    void step();

    /** The schedule's counters, for checkpoints. */
    Map<String, Double> state();

    /** Restores counters exported by {@link #state()}. */
    void loadState(Map<String, Double> state);
}
