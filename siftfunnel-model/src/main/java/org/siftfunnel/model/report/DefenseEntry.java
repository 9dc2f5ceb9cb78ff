package org.siftfunnel.model.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One defense of results.json ({@code defenses.<name>}), or one point of its sweep.
 *
 * @param params          the strength parameters of this setting (empty for {@code none})
 * @param metrics         every numeric key (accuracy, delta_z, mine_corrected, edge_macs ...) with its std
 * @param attacks         the attacks run against it, in file order
 * @param comparable      the evaluation's verdict "accuracy within comparable_within of the reference", when recorded
 * @param strongestAttack the evaluation's name of the strongest attack, when recorded
 * @param sweep           the swept settings (empty when the defense was not swept; sweep points have no sweep)
 * @param trainRun        the first seed's training run folder relative to the evaluation folder, when trained
 */
public record DefenseEntry(String name, Map<String, Object> params, Map<String, Measure> metrics,
        Map<String, AttackEntry> attacks, Optional<Boolean> comparable, Optional<String> strongestAttack,
        List<DefenseEntry> sweep, Optional<String> trainRun) {

    public Optional<Measure> metric(String key) {
        return Optional.ofNullable(metrics.get(key));
    }

    public Optional<AttackEntry> attack(String name) {
        return Optional.ofNullable(attacks.get(name));
    }

    /** An attack's metric, if both the attack and the metric were measured. */
    public Optional<Measure> attackMetric(String attack, String key) {
        return attack(attack).flatMap(a -> a.metric(key));
    }

    /**
     * ΔZ per feature dimension: {@code delta_z_ratio} when recorded, else {@code delta_z / feature_dim}
     * (the spread scaled by the same dimension).
     */
    public Optional<Measure> deltaZPerDim() {
        Optional<Measure> ratio = metric("delta_z_ratio");
        if (ratio.isPresent()) {
            return ratio;
        }
        Optional<Measure> dz = metric("delta_z");
        Optional<Measure> dim = metric("feature_dim");
        if (dz.isEmpty() || dim.isEmpty() || dim.get().value() <= 0) {
            return Optional.empty();
        }
        double d = dim.get().value();
        return Optional.of(new Measure(dz.get().value() / d, dz.get().std() / d));
    }

    /** The strongest attack: the recorded one, else the one with the highest SSIM. */
    public Optional<String> strongestAttackName() {
        if (strongestAttack.isPresent() && attacks.containsKey(strongestAttack.get())) {
            return strongestAttack;
        }
        String best = null;
        double bestSsim = Double.NEGATIVE_INFINITY;
        for (AttackEntry a : attacks.values()) {
            Optional<Measure> s = a.metric("ssim");
            if (s.isPresent() && s.get().value() > bestSsim) {
                bestSsim = s.get().value();
                best = a.name();
            }
        }
        return Optional.ofNullable(best);
    }
}
