package org.siftfunnel.engine.estimate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.Snapshots;

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

    /** A history as text that {@link #decodeHistory} reads back bit for bit ({@link Snapshots#encodeRows}). */
    public static String encodeHistory(List<EpochValues> history) {
        return Snapshots.encodeRows(history.stream().map(e -> new double[] {e.epoch(), e.train(), e.eval(), e.lr()}).toList());
    }

    /** The history {@link #encodeHistory} wrote. */
    public static List<EpochValues> decodeHistory(String text) {
        List<EpochValues> out = new ArrayList<>();
        for (double[] r : Snapshots.decodeRows(text, 4)) {
            out.add(new EpochValues((int) r[0], r[1], r[2], r[3]));
        }
        return out;
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
