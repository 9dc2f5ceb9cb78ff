package org.siftfunnel.model.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.siftfunnel.engine.io.Json;

/**
 * Reads and checks results.json. Every deviation from the documented shape is a
 * {@link ReportInputException} naming the file and the JSON path of the offending value
 * (e.g. {@code defenses.noise.accuracy: expected a number, got the string "high"}); keys this
 * reader does not know are kept if numeric and otherwise ignored, so newer writers stay readable.
 */
public final class ResultsReader {
    /** Keys whose values are not numbers; everything else numeric becomes a {@link Measure}. */
    private static final List<String> NON_NUMERIC_DEFENSE_KEYS =
            List.of("params", "attacks", "comparable", "strongest_attack", "sweep", "train_run");

    /** The top-level keys given a place of their own in the report; the others are shown as notes. */
    private static final java.util.Set<String> INTERPRETED_TOP_LEVEL = java.util.Set.of("format", "arch", "profile", "seeds",
            "settings", "environment", "timings", "selection_rule", "comparable_within", "reference_defense", "defenses", "per_seed");

    /** The documented numbers of a defense or an attack: these must be numbers when present. */
    private static final java.util.Set<String> KNOWN_NUMERIC = java.util.Set.of("accuracy", "accuracy_without_recalibration",
            "delta_z", "feature_dim", "delta_z_ratio", "mine_paper", "mine_corrected", "dcor_xz", "effective_rank", "edge_params",
            "edge_macs", "bytes_per_image", "edge_latency_ms", "edge_cost_ratio", "mse", "psnr", "ssim", "cosine",
            "attack_accuracy", "dcor_x_xhat", "paper_mse", "paper_psnr", "paper_ssim");

    private final Path file;

    private ResultsReader(Path file) {
        this.file = file;
    }

    /** Reads {@code file} (normally {@code DIR/results.json}). */
    public static EvaluationResults read(Path file) throws IOException {
        return new ResultsReader(file).read();
    }

    private EvaluationResults read() throws IOException {
        String text;
        try {
            // A strict decoder: malformed bytes are an error, not silently replaced characters.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ReportInputException(file, "not found (run ./siftfunnel evaluate --out DIR first)");
        } catch (CharacterCodingException e) {
            throw new ReportInputException(file, "not UTF-8 text");
        }
        if (text.isBlank()) {
            throw new ReportInputException(file, "empty file");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ReportInputException(file, e.getMessage());
        }
        Map<String, Object> top = object(root, "the top level");
        String format = optString(top, "format", "format").orElse(EvaluationResults.FORMAT);
        if (!format.equals(EvaluationResults.FORMAT)) {
            throw new ReportInputException(file, "format \"" + format + "\" is not supported (expected \"" + EvaluationResults.FORMAT + "\")");
        }
        if (!top.containsKey("defenses")) {
            throw new ReportInputException(file, "no \"defenses\" object");
        }
        List<Long> seeds = new ArrayList<>();
        if (top.containsKey("seeds")) {
            List<Object> raw = array(top.get("seeds"), "seeds");
            for (int i = 0; i < raw.size(); i++) {
                seeds.add(integer(raw.get(i), "seeds[" + i + "]"));
            }
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        Map<String, String> timingNotes = new LinkedHashMap<>();
        if (top.containsKey("timings")) {
            for (Map.Entry<String, Object> e : object(top.get("timings"), "timings").entrySet()) {
                if (e.getValue() instanceof String note) {
                    timingNotes.put(e.getKey(), note);
                } else if (e.getValue() != null) {
                    timings.put(e.getKey(), number(e.getValue(), "timings." + e.getKey()));
                }
            }
        }
        Map<String, Object> notes = new LinkedHashMap<>();
        top.forEach((k, v) -> {
            if (!INTERPRETED_TOP_LEVEL.contains(k)) {
                notes.put(k, v);
            }
        });
        double within = top.containsKey("comparable_within") ? number(top.get("comparable_within"), "comparable_within")
                : EvaluationResults.DEFAULT_COMPARABLE_WITHIN;
        Map<String, DefenseEntry> defenses = defenses(top.get("defenses"), "defenses");
        List<EvaluationResults.SeedResults> perSeed = new ArrayList<>();
        if (top.containsKey("per_seed")) {
            List<Object> raw = array(top.get("per_seed"), "per_seed");
            for (int i = 0; i < raw.size(); i++) {
                String where = "per_seed[" + i + "]";
                Map<String, Object> s = object(raw.get(i), where);
                long seed = s.containsKey("seed") ? integer(s.get("seed"), where + ".seed") : i + 1;
                Map<String, DefenseEntry> d = s.containsKey("defenses") ? defenses(s.get("defenses"), where + ".defenses") : Map.of();
                perSeed.add(new EvaluationResults.SeedResults(seed, d));
            }
        }
        return new EvaluationResults(format, optString(top, "arch", "arch"), optString(top, "profile", "profile"),
                List.copyOf(seeds),
                top.containsKey("settings") ? unmodifiable(object(top.get("settings"), "settings")) : Map.of(),
                top.containsKey("environment") ? unmodifiable(object(top.get("environment"), "environment")) : Map.of(),
                Collections.unmodifiableMap(timings), Collections.unmodifiableMap(timingNotes),
                optString(top, "selection_rule", "selection_rule"), within,
                optString(top, "reference_defense", "reference_defense").orElse(EvaluationResults.DEFAULT_REFERENCE),
                defenses, List.copyOf(perSeed), Collections.unmodifiableMap(notes));
    }

    private Map<String, DefenseEntry> defenses(Object raw, String where) throws ReportInputException {
        Map<String, DefenseEntry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(raw, where).entrySet()) {
            out.put(e.getKey(), defense(e.getKey(), e.getValue(), where + "." + e.getKey(), true));
        }
        return Collections.unmodifiableMap(out);
    }

    private DefenseEntry defense(String name, Object raw, String where, boolean allowSweep) throws ReportInputException {
        Map<String, Object> m = object(raw, where);
        Map<String, Object> params = m.containsKey("params") ? unmodifiable(object(m.get("params"), where + ".params")) : Map.of();
        Map<String, AttackEntry> attacks = new LinkedHashMap<>();
        if (m.containsKey("attacks")) {
            for (Map.Entry<String, Object> a : object(m.get("attacks"), where + ".attacks").entrySet()) {
                String aw = where + ".attacks." + a.getKey();
                Map<String, Object> am = object(a.getValue(), aw);
                attacks.put(a.getKey(), new AttackEntry(a.getKey(), measures(am, aw, List.of("recon")), optString(am, "recon", aw + ".recon")));
            }
        }
        Optional<Boolean> comparable = Optional.empty();
        if (m.containsKey("comparable")) {
            if (!(m.get("comparable") instanceof Boolean b)) {
                throw new ReportInputException(file, where + ".comparable: expected true or false, got " + describe(m.get("comparable")));
            }
            comparable = Optional.of(b);
        }
        List<DefenseEntry> sweep = new ArrayList<>();
        if (m.containsKey("sweep")) {
            if (!allowSweep) {
                throw new ReportInputException(file, where + ".sweep: a sweep point cannot have its own sweep");
            }
            List<Object> points = array(m.get("sweep"), where + ".sweep");
            for (int i = 0; i < points.size(); i++) {
                sweep.add(defense(name, points.get(i), where + ".sweep[" + i + "]", false));
            }
        }
        return new DefenseEntry(name, params, measures(m, where, NON_NUMERIC_DEFENSE_KEYS), Collections.unmodifiableMap(attacks),
                comparable, optString(m, "strongest_attack", where + ".strongest_attack"), List.copyOf(sweep),
                optString(m, "train_run", where + ".train_run"));
    }

    /**
     * The numeric keys of {@code m} as measures, each with its {@code <key>_std}. A documented
     * metric ({@link #KNOWN_NUMERIC}) or a spread that is not a number, or a spread without its
     * value, is an error; other non-numeric keys are ignored (a newer writer may add them).
     */
    private Map<String, Measure> measures(Map<String, Object> m, String where, List<String> nonNumeric) throws ReportInputException {
        Map<String, Measure> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String key = e.getKey();
            if (nonNumeric.contains(key) || key.endsWith("_std")) {
                continue;
            }
            // null is how the engine's JSON writer spells NaN and infinity: not measured, not malformed.
            if (e.getValue() == null || (!(e.getValue() instanceof Number) && !KNOWN_NUMERIC.contains(key))) {
                continue;
            }
            double value = number(e.getValue(), where + "." + key);
            double std = Double.NaN;
            if (m.get(key + "_std") != null) {
                std = number(m.get(key + "_std"), where + "." + key + "_std");
            }
            out.put(key, new Measure(value, std));
        }
        for (String key : m.keySet()) {
            if (key.endsWith("_std") && !m.containsKey(key.substring(0, key.length() - 4))) {
                throw new ReportInputException(file, where + "." + key + ": a spread without its value \"" + key.substring(0, key.length() - 4) + "\"");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Object v, String where) throws ReportInputException {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ReportInputException(file, where + ": expected an object, got " + describe(v));
    }

    @SuppressWarnings("unchecked")
    private List<Object> array(Object v, String where) throws ReportInputException {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new ReportInputException(file, where + ": expected an array, got " + describe(v));
    }

    private double number(Object v, String where) throws ReportInputException {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        }
        throw new ReportInputException(file, where + ": expected a number, got " + describe(v));
    }

    private long integer(Object v, String where) throws ReportInputException {
        if (v instanceof Long l) {
            return l;
        }
        throw new ReportInputException(file, where + ": expected an integer, got " + describe(v));
    }

    private Optional<String> optString(Map<String, Object> m, String key, String where) throws ReportInputException {
        if (!m.containsKey(key)) {
            return Optional.empty();
        }
        if (m.get(key) instanceof String s) {
            return Optional.of(s);
        }
        throw new ReportInputException(file, where + ": expected a string, got " + describe(m.get(key)));
    }

    private static Map<String, Object> unmodifiable(Map<String, Object> m) {
        return Collections.unmodifiableMap(m);
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        return v.toString();
    }
}
