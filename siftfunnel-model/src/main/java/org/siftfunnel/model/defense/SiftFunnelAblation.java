package org.siftfunnel.model.defense;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.Objective;
import org.siftfunnel.model.objective.SiftFunnelObjective;

/**
 * SiftFunnel's composite loss with one ingredient removed, for the ablation study. Every other
 * term is computed exactly as {@link SiftFunnelObjective} computes it (same functions, same
 * arguments, same order of summation), so on one batch the remaining terms have the same values
 * and names as the full objective's:
 * <ul>
 *   <li>{@link Ablated#DCOR}: no {@code dcor2} term;</li>
 *   <li>{@link Ablated#PEARSON}: no {@code pearson} term;</li>
 *   <li>{@link Ablated#L1}: no {@code l1} term;</li>
 *   <li>{@link Ablated#LABEL_SMOOTHING}: the {@code task} term is the NLL of the true labels
 *       (weighted by α) instead of the KL to the smoothed labels.</li>
 * </ul>
 *
 * @param full    the complete objective whose weights are kept
 * @param ablated the ingredient to remove
 */
public record SiftFunnelAblation(SiftFunnelObjective full, Ablated ablated) implements Objective {
    /** The ingredient an ablation removes. */
    public enum Ablated {
        DCOR("dcor"), PEARSON("pearson"), L1("l1"), LABEL_SMOOTHING("ls");

        private final String suffix;

        Ablated(String suffix) {
            this.suffix = suffix;
        }

        /** The defense's name: {@code siftfunnel-no-<suffix>}. */
        public String defenseName() {
            return "siftfunnel-no-" + suffix;
        }
    }

    public SiftFunnelAblation {
        Objects.requireNonNull(full, "SiftFunnelAblation: full objective");
        Objects.requireNonNull(ablated, "SiftFunnelAblation: ablated term");
    }

    @Override
    public LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels) {
        if (input.size(0) != features.size(0) || input.size(0) != logProbs.size(0)) {
            throw new IllegalArgumentException("SiftFunnelAblation: batch sizes differ: input " + input.size(0) + ", features "
                    + features.size(0) + ", log-probabilities " + logProbs.size(0));
        }
        Map<String, Tensor> terms = new LinkedHashMap<>();
        Tensor task = ablated == Ablated.LABEL_SMOOTHING
                ? Losses.nll(logProbs, labels)
                : Losses.klToSmoothedLabels(logProbs, labels, full.smoothing());
        terms.put(SiftFunnelObjective.TASK, task);
        Tensor total = task.mul(full.alpha());
        if (ablated != Ablated.DCOR) {
            Tensor dcor2 = Losses.distanceCorrelation(input, features, true);
            terms.put(SiftFunnelObjective.DCOR2, dcor2);
            total = total.add(dcor2.mul(full.beta()));
        }
        if (ablated != Ablated.L1) {
            Tensor l1 = Losses.meanAbs(features);
            terms.put(SiftFunnelObjective.L1, l1);
            total = total.add(l1.mul(full.l1Weight()));
        }
        if (ablated != Ablated.PEARSON) {
            Tensor pearson = Losses.pearsonChannels(features, full.keepDiagonal());
            terms.put(SiftFunnelObjective.PEARSON, pearson);
            total = total.add(pearson.mul(full.gamma()));
        }
        return new LossTerms(total, terms);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SiftFunnelAblation(%s without %s)", full, ablated.suffix);
    }
}
