package org.siftfunnel.model.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.Json;

/**
 * One training run's per-epoch numbers, read from its {@code metrics.jsonl} (one JSON object per
 * epoch, as {@code Trainer} appends them). A last line without its newline is a line still being
 * written by a running training and is skipped; any other unreadable line is an error naming the
 * file and line.
 *
 * @param epochs one map per epoch with its numeric keys (epoch, test_accuracy, train_loss ...)
 */
public record EpochCurve(String defense, Path file, List<Map<String, Double>> epochs) {

    public static EpochCurve read(String defense, Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<Map<String, Double>> epochs = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean unterminated = i == lines.length - 1;
            Object parsed;
            try {
                parsed = Json.parse(line);
            } catch (IllegalArgumentException e) {
                if (unterminated) {
                    break;
                }
                throw new ReportInputException(file, "line " + (i + 1) + ": " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> m)) {
                throw new ReportInputException(file, "line " + (i + 1) + ": expected a JSON object per epoch");
            }
            Map<String, Double> row = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof Number n && Double.isFinite(n.doubleValue())) {
                    row.put(String.valueOf(e.getKey()), n.doubleValue());
                }
            }
            if (!row.containsKey("epoch")) {
                throw new ReportInputException(file, "line " + (i + 1) + ": no numeric \"epoch\"");
            }
            epochs.add(Collections.unmodifiableMap(row));
        }
        return new EpochCurve(defense, file, List.copyOf(epochs));
    }

    /** The (epoch, value) pairs of one key, skipping epochs that lack it. */
    public List<double[]> series(String key) {
        List<double[]> out = new ArrayList<>();
        for (Map<String, Double> e : epochs) {
            Double v = e.get(key);
            if (v != null) {
                out.add(new double[] {e.get("epoch"), v});
            }
        }
        return out;
    }
}
