package org.siftfunnel.model.defense;

import java.util.Map;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Normalization;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Dropout on the transmitted feature at inference (He et al.'s dropout defense, the paper's
 * {@code --protect drop --r 0.8}): {@code z' = z ⊙ M}, M ~ Bernoulli(1 − r) element-wise, with
 * <em>no</em> rescaling of the kept values by 1/(1 − r) (the cloud was trained on unscaled
 * features, and the reference code does not rescale). The mask comes from the
 * {@link RandomSource} the caller passes. Name {@code dropout}, parameter {@code rate}.
 */
public final class FeatureDropoutDefense extends FeaturePerturbationDefense {
    /** r of the paper's code. */
    public static final double DEFAULT_RATE = 0.8;

    private final float rate;

    public FeatureDropoutDefense(double rate) {
        super("dropout", Map.of("rate", rate));
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout defense: rate must be in [0, 1), got " + rate);
        }
        this.rate = (float) rate;
    }

    public float rate() {
        return rate;
    }

    @Override
    public Tensor perturb(Tensor features, RandomSource rng) {
        return Normalization.dropoutNoRescale(features, rate, rng);
    }
}
