package org.siftfunnel.model.defense;

import java.util.Map;
import java.util.Locale;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.Objective;

/**
 * Label smoothing alone (positive smoothing protects against model inversion, Struppek et al.,
 * ICLR'24): {@code KL(ỹ ‖ softmax)} with ỹ = 1 − s on the true class and s/(K−1) on each other
 * class, the same task term as SiftFunnel's (without its weight α, which alone would only
 * rescale the learning rate). One term, {@code task}; input and features are not used.
 *
 * @param smoothing s in [0, 1)
 */
public record LabelSmoothingObjective(float smoothing) implements Objective {
    public static final String TASK = "task";

    public LabelSmoothingObjective {
        if (!(smoothing >= 0f && smoothing < 1f)) {
            throw new IllegalArgumentException("LabelSmoothingObjective: smoothing must be in [0, 1), got " + smoothing);
        }
    }

    @Override
    public LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels) {
        // The loss applies a log-softmax to its input; on log-probabilities that is the identity.
        Tensor task = Losses.klToSmoothedLabels(logProbs, labels, smoothing);
        return new LossTerms(task, Map.of(TASK, task));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LabelSmoothingObjective(s=%s)", smoothing);
    }
}
