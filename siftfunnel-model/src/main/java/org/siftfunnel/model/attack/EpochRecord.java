package org.siftfunnel.model.attack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch of a decoder's training curve.
 *
 * @param epoch        1-based
 * @param trainMse     mean per-element MSE over the epoch's training batches (training mode)
 * @param selectionMse per-element MSE on the checkpoint-selection data (eval mode)
 * @param lr           the learning rate the epoch ran with
 */
public record EpochRecord(int epoch, double trainMse, double selectionMse, double lr) {

    /** JSON-ready form. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train_mse", trainMse);
        m.put("selection_mse", selectionMse);
        m.put("lr", lr);
        return m;
    }
}
