package org.siftfunnel.model.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the per-seed results of one entry into one: every number becomes the mean over seeds,
 * and with more than one seed also gets a {@code KEY_std} (sample standard deviation, n − 1).
 * A number equal in every seed (edge parameters, feature size) keeps its value and type, with
 * std 0. Maps are aggregated key by key, lists of maps element by element (sweeps have the
 * same points in every seed); strings, booleans and other lists come from the first seed.
 * The {@code params} map (a defense's strength settings) is copied, not averaged. A key missing
 * in some seeds is aggregated over the seeds that have it.
 */
public final class SeedAggregation {
    private static final Set<String> COPIED = Set.of("params");

    private SeedAggregation() {
    }

    public static Map<String, Object> aggregate(List<Map<String, Object>> perSeed) {
        if (perSeed.isEmpty()) {
            throw new IllegalArgumentException("SeedAggregation: no seeds");
        }
        List<String> keys = new ArrayList<>();
        for (Map<String, Object> m : perSeed) {
            for (String k : m.keySet()) {
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : keys) {
            List<Object> values = new ArrayList<>();
            for (Map<String, Object> m : perSeed) {
                if (m.containsKey(k) && m.get(k) != null) {
                    values.add(m.get(k));
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            Object first = values.get(0);
            if (COPIED.contains(k)) {
                out.put(k, first);
            } else if (values.stream().allMatch(v -> v instanceof Number)) {
                putNumber(out, k, values, perSeed.size() > 1);
            } else if (values.stream().allMatch(v -> v instanceof Map<?, ?>)) {
                out.put(k, aggregate(castMaps(values)));
            } else if (values.stream().allMatch(v -> v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(e -> e instanceof Map<?, ?>))
                    && values.stream().map(v -> ((List<?>) v).size()).distinct().count() == 1) {
                List<Object> merged = new ArrayList<>();
                int n = ((List<?>) first).size();
                for (int i = 0; i < n; i++) {
                    List<Object> column = new ArrayList<>();
                    for (Object v : values) {
                        column.add(((List<?>) v).get(i));
                    }
                    merged.add(aggregate(castMaps(column)));
                }
                out.put(k, merged);
            } else {
                out.put(k, first);
            }
        }
        return out;
    }

    private static void putNumber(Map<String, Object> out, String key, List<Object> values, boolean withStd) {
        double[] x = new double[values.size()];
        boolean allEqual = true;
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Number) values.get(i)).doubleValue();
            allEqual &= x[i] == x[0];
        }
        if (allEqual) {
            out.put(key, values.get(0));
            if (withStd) {
                out.put(key + "_std", 0.0);
            }
            return;
        }
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        out.put(key, mean);
        if (withStd) {
            double ss = 0;
            for (double v : x) {
                ss += (v - mean) * (v - mean);
            }
            out.put(key + "_std", x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0.0);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> castMaps(List<Object> values) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object v : values) {
            maps.add((Map<String, Object>) v);
        }
        return maps;
    }
}
