package org.siftfunnel.model.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the paper's headline claims (issue 5, "Acceptance") against the numbers of one
 * evaluation. Every verdict is computed from results.json; nothing is hard-coded. Means are
 * compared (the spread is printed next to them); a claim whose numbers are absent is NOT
 * MEASURED rather than guessed.
 *
 * <p>"Strongest comparable baseline": among {@link #BASELINES}, every setting (the chosen one
 * and each sweep point) whose accuracy is comparable to the reference defense's (the recorded
 * {@code comparable} flag, else an accuracy at least the reference's minus
 * {@code comparable_within}) is a candidate, and the
 * strongest candidate <em>for the metric at hand</em> is used: the highest black-box MSE, the
 * lowest MINE, the lowest ΔZ/dim. That is the hardest comparison for SiftFunnel, as it should be.
 */
public final class Claims {
    /** The paper's comparison defenses (both MID placements count as MID). */
    public static final List<String> BASELINES = List.of("noise", "dropout", "nopeek", "mid", "mid-head", "bido");
    public static final String UNDEFENDED = "none";
    /** The paper's attack the reconstruction claims are about. */
    public static final String BLACKBOX = "blackbox";
    static final double ACCURACY_LOSS_LIMIT = 0.03;
    static final double SSIM_RATIO_LIMIT = 0.5;
    static final double MSE_RATIO_LIMIT = 1.3;
    static final double REDUCTION_RATIO_LIMIT = 0.5;

    private final EvaluationResults results;
    private final String ref;

    private Claims(EvaluationResults results) {
        this.results = results;
        this.ref = results.referenceDefense();
    }

    public static List<Claim> check(EvaluationResults results) {
        return new Claims(results).all();
    }

    private List<Claim> all() {
        List<Claim> out = new ArrayList<>();
        out.add(accuracy());
        out.add(ssimVsUndefended());
        out.add(mseVsBaseline());
        out.add(reductionVsBaseline("mine-vs-baseline", "corrected MINE", "mine_corrected", d -> d.metric("mine_corrected"), MINE_FLOOR_NATS));
        out.add(reductionVsUndefended("mine-vs-undefended", "corrected MINE", "mine_corrected", d -> d.metric("mine_corrected"), MINE_FLOOR_NATS));
        out.add(reductionVsBaseline("deltaz-vs-baseline", "ΔZ/dim", "delta_z_ratio", DefenseEntry::deltaZPerDim, 0));
        out.add(reductionVsUndefended("deltaz-vs-undefended", "ΔZ/dim", "delta_z_ratio", DefenseEntry::deltaZPerDim, 0));
        return out;
    }

    private Claim accuracy() {
        String statement = ref + " keeps accuracy within " + points(ACCURACY_LOSS_LIMIT) + " points of the undefended model";
        Optional<Measure> a = metric(ref, d -> d.metric("accuracy"));
        Optional<Measure> u = metric(UNDEFENDED, d -> d.metric("accuracy"));
        if (a.isEmpty() || u.isEmpty()) {
            return missing("accuracy", statement, a.isEmpty() ? ref + " accuracy" : UNDEFENDED + " accuracy");
        }
        double loss = u.get().value() - a.get().value();
        Verdict v = loss <= ACCURACY_LOSS_LIMIT + 1e-12 ? Verdict.PASS : Verdict.FAIL;
        return new Claim("accuracy", statement, v, String.format(Locale.ROOT, "%s %s, %s %s: %s points %s (limit %s)",
                ref, Formats.of("accuracy", a.get()), UNDEFENDED, Formats.of("accuracy", u.get()),
                points(Math.abs(loss)), loss >= 0 ? "lower" : "higher", points(ACCURACY_LOSS_LIMIT)));
    }

    private Claim ssimVsUndefended() {
        String statement = "black-box attack SSIM on " + ref + " ≤ " + fmt(SSIM_RATIO_LIMIT) + " × the undefended model's";
        Optional<Measure> a = metric(ref, d -> d.attackMetric(BLACKBOX, "ssim"));
        Optional<Measure> u = metric(UNDEFENDED, d -> d.attackMetric(BLACKBOX, "ssim"));
        if (a.isEmpty() || u.isEmpty()) {
            return missing("ssim-vs-undefended", statement, (a.isEmpty() ? ref : UNDEFENDED) + " black-box SSIM");
        }
        boolean pass = a.get().value() <= SSIM_RATIO_LIMIT * u.get().value();
        return new Claim("ssim-vs-undefended", statement, pass ? Verdict.PASS : Verdict.FAIL,
                String.format(Locale.ROOT, "%s %s, %s %s: ratio %s (needs ≤ %s)", ref, Formats.of("ssim", a.get()),
                        UNDEFENDED, Formats.of("ssim", u.get()), ratio(a.get().value(), u.get().value()), fmt(SSIM_RATIO_LIMIT)));
    }

    private Claim mseVsBaseline() {
        String statement = "black-box attack MSE on " + ref + " ≥ " + fmt(MSE_RATIO_LIMIT)
                + " × that of the strongest comparable baseline (" + String.join(", ", BASELINES) + ")";
        Optional<Measure> a = metric(ref, d -> d.attackMetric(BLACKBOX, "mse"));
        Strongest b = strongestBaseline(d -> d.attackMetric(BLACKBOX, "mse"), true);
        if (a.isEmpty() || b.choice == null) {
            return missing("mse-vs-baseline", statement, a.isEmpty() ? ref + " black-box MSE" : "a comparable baseline with a black-box MSE", b.notes());
        }
        boolean pass = a.get().value() >= MSE_RATIO_LIMIT * b.value.value();
        return new Claim("mse-vs-baseline", statement, pass ? Verdict.PASS : Verdict.FAIL,
                String.format(Locale.ROOT, "%s %s; strongest comparable baseline %s %s: ratio %s (needs ≥ %s)%s", ref,
                        Formats.of("mse", a.get()), b.label(), Formats.of("mse", b.value), ratio(a.get().value(), b.value.value()),
                        fmt(MSE_RATIO_LIMIT), b.notes()));
    }

    /**
     * A "50% lower" claim needs a comparison value clearly above the estimator's floor: a MINE
     * critic trained for a few steps estimates ≈ 0 nats for every defense, and 0 ≤ 0.5 × 0 would
     * otherwise read as a PASS. Comparison values at or below the floor make the claim INCONCLUSIVE.
     */
    static final double MINE_FLOOR_NATS = 0.01;

    private static Optional<Claim> belowFloor(String id, String statement, String key, String against, Measure value, double floor) {
        if (value.value() > floor) {
            return Optional.empty();
        }
        return Optional.of(new Claim(id, statement, Verdict.INCONCLUSIVE, String.format(Locale.ROOT,
                "%s %s is at or below the measurement's floor (%s): nothing to be %s%% lower than; measure with a larger budget",
                against, Formats.of(key, value), Double.toString(floor), percent(1 - REDUCTION_RATIO_LIMIT).replace("%", ""))));
    }

    private Claim reductionVsBaseline(String id, String what, String key, Function<DefenseEntry, Optional<Measure>> metric,
                                      double floor) {
        String statement = what + " of " + ref + " ≥ " + percent(1 - REDUCTION_RATIO_LIMIT) + " lower than the strongest comparable baseline's";
        Optional<Measure> a = metric(ref, metric);
        Strongest b = strongestBaseline(metric, false);
        if (a.isEmpty() || b.choice == null) {
            return missing(id, statement, a.isEmpty() ? ref + " " + what : "a comparable baseline with " + what, b.notes());
        }
        Optional<Claim> floored = belowFloor(id, statement, key, "the strongest comparable baseline " + b.label(), b.value, floor);
        if (floored.isPresent()) {
            return floored.get();
        }
        boolean pass = a.get().value() <= REDUCTION_RATIO_LIMIT * b.value.value();
        return new Claim(id, statement, pass ? Verdict.PASS : Verdict.FAIL,
                String.format(Locale.ROOT, "%s %s; strongest comparable baseline %s %s: ratio %s (needs ≤ %s)%s", ref,
                        Formats.of(key, a.get()), b.label(), Formats.of(key, b.value), ratio(a.get().value(), b.value.value()),
                        fmt(REDUCTION_RATIO_LIMIT), b.notes()));
    }

    private Claim reductionVsUndefended(String id, String what, String key, Function<DefenseEntry, Optional<Measure>> metric,
                                        double floor) {
        String statement = what + " of " + ref + " ≥ " + percent(1 - REDUCTION_RATIO_LIMIT) + " lower than the undefended model's";
        Optional<Measure> a = metric(ref, metric);
        Optional<Measure> u = metric(UNDEFENDED, metric);
        if (a.isEmpty() || u.isEmpty()) {
            return missing(id, statement, (a.isEmpty() ? ref : UNDEFENDED) + " " + what);
        }
        Optional<Claim> floored = belowFloor(id, statement, key, UNDEFENDED, u.get(), floor);
        if (floored.isPresent()) {
            return floored.get();
        }
        boolean pass = a.get().value() <= REDUCTION_RATIO_LIMIT * u.get().value();
        return new Claim(id, statement, pass ? Verdict.PASS : Verdict.FAIL,
                String.format(Locale.ROOT, "%s %s, %s %s: ratio %s (needs ≤ %s)", ref, Formats.of(key, a.get()), UNDEFENDED,
                        Formats.of(key, u.get()), ratio(a.get().value(), u.get().value()), fmt(REDUCTION_RATIO_LIMIT)));
    }

    /** The strongest comparable baseline setting for one metric, with what was left out and why. */
    private static final class Strongest {
        DefenseEntry choice;
        Measure value;
        final List<String> notComparable = new ArrayList<>();
        final List<String> unknownComparability = new ArrayList<>();
        final List<String> notMeasured = new ArrayList<>();

        String label() {
            return settingLabel(choice);
        }

        String notes() {
            StringBuilder sb = new StringBuilder();
            if (!notComparable.isEmpty()) {
                sb.append("; not comparable: ").append(String.join(", ", notComparable));
            }
            if (!unknownComparability.isEmpty()) {
                sb.append("; comparability unknown (no accuracy): ").append(String.join(", ", unknownComparability));
            }
            if (!notMeasured.isEmpty()) {
                sb.append("; not measured: ").append(String.join(", ", notMeasured));
            }
            return sb.toString();
        }
    }

    private Strongest strongestBaseline(Function<DefenseEntry, Optional<Measure>> metric, boolean higherIsStronger) {
        Strongest s = new Strongest();
        Optional<Measure> refAcc = metric(ref, d -> d.metric("accuracy"));
        for (String name : BASELINES) {
            Optional<DefenseEntry> d = results.defense(name);
            if (d.isEmpty()) {
                s.notMeasured.add(name);
                continue;
            }
            List<DefenseEntry> settings = new ArrayList<>();
            settings.add(d.get());
            settings.addAll(d.get().sweep());
            for (DefenseEntry point : settings) {
                Optional<Boolean> comparable = comparable(point, refAcc);
                if (comparable.isEmpty()) {
                    s.unknownComparability.add(settingLabel(point));
                    continue;
                }
                if (!comparable.get()) {
                    s.notComparable.add(settingLabel(point) + point.metric("accuracy").map(a -> " at " + Formats.of("accuracy", a)).orElse(""));
                    continue;
                }
                Optional<Measure> m = metric.apply(point);
                if (m.isEmpty()) {
                    continue;
                }
                double v = m.get().value();
                if (s.choice == null || (higherIsStronger ? v > s.value.value() : v < s.value.value())) {
                    s.choice = point;
                    s.value = m.get();
                }
            }
        }
        return s;
    }

    /**
     * The recorded flag, else accuracy at least the reference's minus {@code comparable_within}
     * (the evaluation's rule: a more accurate baseline is comparable too).
     */
    private Optional<Boolean> comparable(DefenseEntry point, Optional<Measure> refAcc) {
        if (point.comparable().isPresent()) {
            return point.comparable();
        }
        Optional<Measure> acc = point.metric("accuracy");
        if (acc.isEmpty() || refAcc.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(acc.get().value() >= refAcc.get().value() - results.comparableWithin() - 1e-12);
    }

    static String settingLabel(DefenseEntry d) {
        String p = Formats.params(d.params());
        return p.isEmpty() ? d.name() : d.name() + " (" + p + ")";
    }

    private Optional<Measure> metric(String defense, Function<DefenseEntry, Optional<Measure>> f) {
        return results.defense(defense).flatMap(f);
    }

    private static Claim missing(String id, String statement, String what) {
        return missing(id, statement, what, "");
    }

    private static Claim missing(String id, String statement, String what, String notes) {
        return new Claim(id, statement, Verdict.NOT_MEASURED, "needs " + what + ", which this run did not measure" + notes);
    }

    private static String ratio(double a, double b) {
        if (b == 0) {
            return a == 0 ? "undefined (0/0)" : "∞";
        }
        return String.format(Locale.ROOT, "%.3f", a / b);
    }

    private static String points(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
