package org.siftfunnel.engine.io;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Where a long computation (a decoder's training, a MINE estimator) keeps a snapshot of its
 * progress, so that work stopped part-way (Ctrl-C, a killed process, a machine that goes away)
 * resumes at its last snapshot instead of from the start, and ends with exactly the numbers an
 * uninterrupted run gives. The computation saves whatever it needs to continue (weights,
 * optimiser state, curves); the store adds what the computation cannot see, such as the
 * positions of random streams drawn outside it, and puts them back when it hands a snapshot out.
 *
 * <p>Saving costs I/O, so the computation asks {@link #due()} at its natural boundaries (the end
 * of an epoch) and saves only then.
 */
public interface Snapshots {

    /**
     * What a computation saved: tensors and string values (numbers as {@link Double#toString}
     * so that they come back bit for bit, infinities included).
     */
    record Snapshot(Map<String, Tensor> tensors, Map<String, String> values) {
        public Snapshot {
            tensors = Map.copyOf(Objects.requireNonNull(tensors, "Snapshot: tensors"));
            values = Map.copyOf(Objects.requireNonNull(values, "Snapshot: values"));
        }

        /** A saved value, or an error naming it when the snapshot lacks it. */
        public String value(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalStateException("snapshot has no value '" + key + "' (it has " + values.keySet() + ")");
            }
            return v;
        }

        /** The values whose keys start with {@code prefix}, prefix removed, parsed as doubles (a scheduler's state). */
        public Map<String, Double> doubles(String prefix) {
            return parsed(prefix, Double::parseDouble);
        }

        /** The values whose keys start with {@code prefix}, prefix removed, parsed as longs (stream positions). */
        public Map<String, Long> longs(String prefix) {
            return parsed(prefix, Long::parseLong);
        }

        private <T> Map<String, T> parsed(String prefix, java.util.function.Function<String, T> parse) {
            Map<String, T> out = new java.util.LinkedHashMap<>();
            new java.util.TreeMap<>(values).forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k.substring(prefix.length()), parse.apply(v));
                }
            });
            return out;
        }

        /** A saved tensor, or an error naming it when the snapshot lacks it. */
        public Tensor tensor(String key) {
            Tensor t = tensors.get(key);
            if (t == null) {
                throw new IllegalStateException("snapshot has no tensor '" + key + "' (" + tensors.size() + " tensors)");
            }
            return t;
        }
    }

    /**
     * Rows of numbers (a training curve) as text that {@link #decodeRows} reads back bit for bit:
     * rows separated by {@code ;}, numbers by {@code ,}, each written by {@link Double#toString}.
     */
    static String encodeRows(List<double[]> rows) {
        StringBuilder b = new StringBuilder();
        for (double[] row : rows) {
            b.append(b.isEmpty() ? "" : ";");
            for (int i = 0; i < row.length; i++) {
                b.append(i == 0 ? "" : ",").append(row[i]);
            }
        }
        return b.toString();
    }

    /**
     * The rows {@link #encodeRows} wrote, each required to hold {@code width} numbers.
     *
     * @throws IllegalArgumentException on a row of another width
     */
    static List<double[]> decodeRows(String text, int width) {
        List<double[]> out = new java.util.ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String row : text.split(";")) {
            String[] f = row.split(",");
            if (f.length != width) {
                throw new IllegalArgumentException("snapshot rows: expected " + width + " numbers, got '" + row + "'");
            }
            double[] r = new double[width];
            for (int i = 0; i < width; i++) {
                r[i] = Double.parseDouble(f[i]);
            }
            out.add(r);
        }
        return out;
    }

    /** Keeps nothing: every computation runs from the start. */
    Snapshots NONE = new Snapshots() {
        @Override
        public boolean due() {
            return false;
        }

        @Override
        public void save(String name, Snapshot snapshot) {
        }

        @Override
        public Snapshot load(String name) {
            return null;
        }
    };

    /** Whether the computation should save a snapshot now (enough time has passed since the last one). */
    boolean due();

    /** Saves {@code snapshot} under {@code name}, replacing the one saved before; an I/O failure is an unchecked error. */
    void save(String name, Snapshot snapshot);

    /**
     * The snapshot saved under {@code name} by an earlier attempt at the same work (same inputs,
     * same build), with the random streams the store tracks already put back where they were;
     * null when there is none and the computation starts from the beginning.
     */
    Snapshot load(String name);
}
