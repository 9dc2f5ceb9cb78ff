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

    /** A history as text that {@link #decodeHistory} reads back bit for bit (numbers by {@link Double#toString}). */
    public static String encodeHistory(List<EpochValues> history) {
        StringBuilder b = new StringBuilder();
        for (EpochValues e : history) {
            b.append(b.isEmpty() ? "" : ";").append(e.epoch()).append(',').append(e.train()).append(',').append(e.eval())
                    .append(',').append(e.lr());
        }
        return b.toString();
    }

    /** The history {@link #encodeHistory} wrote. */
    public static List<EpochValues> decodeHistory(String text) {
        List<EpochValues> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String row : text.split(";")) {
            String[] f = row.split(",");
            if (f.length != 4) {
                throw new IllegalArgumentException("MINE history: expected epoch,train,eval,lr, got '" + row + "'");
            }
            out.add(new EpochValues(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3])));
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
