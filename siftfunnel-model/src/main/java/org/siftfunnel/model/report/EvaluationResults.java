package org.siftfunnel.model.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contents of an evaluation folder's results.json (format {@code siftfunnel-results/1}, see
 * docs/report.md), read by {@link ResultsReader}. Parts a partial evaluation has not written
 * yet are empty, never placeholders.
 *
 * @param settings        the resolved settings, as nested maps straight from the file
 * @param environment     commit, JDK, backend, vector width, threads, data hashes
 * @param timings         seconds per stage ({@code total_s}, {@code train_s} ...)
 * @param timingNotes     the non-numeric entries of {@code timings} (explanations), by key
 * @param comparableWithin accuracy distance (a fraction) within which a baseline counts as comparable
 * @param referenceDefense the defense the claims are about (SiftFunnel unless stated otherwise)
 * @param defenses        per defense, in file order
 * @param perSeed         one entry per seed, when recorded
 * @param notes           top-level keys this reader does not interpret (rules, estimator notes ...), shown as recorded
 */
public record EvaluationResults(String format, Optional<String> arch, Optional<String> profile, List<Long> seeds,
        Map<String, Object> settings, Map<String, Object> environment, Map<String, Double> timings,
        Map<String, String> timingNotes, Optional<String> selectionRule, double comparableWithin, String referenceDefense,
        Map<String, DefenseEntry> defenses, List<SeedResults> perSeed, Map<String, Object> notes) {

    public static final String FORMAT = "siftfunnel-results/1";
    public static final double DEFAULT_COMPARABLE_WITHIN = 0.03;
    public static final String DEFAULT_REFERENCE = "siftfunnel";

    /** One seed's defenses ({@code per_seed[i]}). */
    public record SeedResults(long seed, Map<String, DefenseEntry> defenses) {
    }

    public Optional<DefenseEntry> defense(String name) {
        return Optional.ofNullable(defenses.get(name));
    }

    /** Every attack name that occurs, in first-seen order over the defenses. */
    public List<String> attackNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (DefenseEntry d : defenses.values()) {
            names.addAll(d.attacks().keySet());
        }
        return List.copyOf(names);
    }
}
