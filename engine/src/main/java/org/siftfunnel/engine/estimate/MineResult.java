package org.siftfunnel.engine.estimate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one MINE run.
 *
 * @param estimator  {@code "paper"} or {@code "corrected"}
 * @param value      the reported estimate of I(X;Z) in nats
 * @param definition what {@code value} is, in words (which data, which aggregation)
 * @param epoch      the epoch the value comes from (the best one for the paper's maximum, the last otherwise)
 * @param history    every epoch's training and evaluation values
 * @param settings   how the critic was trained
 */
public record MineResult(String estimator, double value, String definition, int epoch, List<EpochValues> history,
                         MineSettings settings) {
    public MineResult {
        history = List.copyOf(history);
    }

    /** A JSON-ready map: estimator, value, definition, epoch, settings, history. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimator", estimator);
        m.put("value_nats", value);
        m.put("definition", definition);
        m.put("epoch", epoch);
        m.put("settings", settings.toJson());
        List<Object> h = new ArrayList<>();
        for (EpochValues e : history) {
            h.add(e.toJson());
        }
        m.put("history", h);
        return m;
    }
}
