package org.siftfunnel.model.defense;

import java.util.Map;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Additive Gaussian noise on the transmitted feature at inference: {@code z' = z + N(0, σ²)},
 * element-wise and independent (the paper's {@code --protect dp --delta 0.8}; He et al.'s noise
 * defense). The noise is drawn from the {@link RandomSource} the caller passes, so a seeded
 * evaluation is repeatable. Name {@code noise}, parameter {@code sigma}.
 */
public final class GaussianNoiseDefense extends FeaturePerturbationDefense {
    /** σ of the paper's code. */
    public static final double DEFAULT_SIGMA = 0.8;

    private final float sigma;

    public GaussianNoiseDefense(double sigma) {
        super("noise", Map.of("sigma", sigma));
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("noise defense: sigma must be a finite standard deviation ≥ 0, got " + sigma);
        }
        this.sigma = (float) sigma;
    }

    public float sigma() {
        return sigma;
    }

    @Override
    public Tensor perturb(Tensor features, RandomSource rng) {
        if (sigma == 0f) {
            return features;
        }
        return features.add(Tensor.randn(features.backend(), rng, 0f, sigma, features.shape()));
    }
}
