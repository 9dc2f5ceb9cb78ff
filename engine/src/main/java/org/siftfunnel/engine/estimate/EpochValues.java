package org.siftfunnel.engine.estimate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch of a MINE run.
 *
 * @param epoch from 1
 * @param train mean DV estimate over the epoch's training batches (nats)
 * @param eval  the evaluation value after the epoch (nats)
 * @param lr    the learning rate the epoch was trained with
 */
public record EpochValues(int epoch, double train, double eval, double lr) {
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train", train);
        m.put("eval", eval);
        m.put("lr", lr);
        return m;
    }
}
