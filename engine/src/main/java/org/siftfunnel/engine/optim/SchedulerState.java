package org.siftfunnel.engine.optim;

import java.util.Map;

/** Reading scheduler checkpoints with errors that name the scheduler and the key. */
final class SchedulerState {
    private SchedulerState() {
    }

    static double value(String scheduler, Map<String, Double> state, String key) {
        if (state == null) {
            throw new IllegalArgumentException(scheduler + ": loadState(null)");
        }
        Double v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException(scheduler + ": state has no '" + key + "' entry (keys: " + state.keySet() + ")");
        }
        return v;
    }

    static long count(String scheduler, Map<String, Double> state, String key) {
        double v = value(scheduler, state, key);
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new IllegalArgumentException(scheduler + ": state '" + key + "' must be a whole count ≥ 0, got " + v);
        }
        return (long) v;
    }
}
