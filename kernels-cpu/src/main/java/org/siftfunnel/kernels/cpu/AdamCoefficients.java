package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.AdamConfig;

/**
 * One Adam step's constants, derived once per call from an {@link AdamConfig} so that the
 * per-element loop does no {@code Math.pow}. The float expressions are written exactly as in
 * {@link org.siftfunnel.engine.backend.OptimizerMath#adam}, so that the scalar kernel
 * reproduces it bit for bit.
 *
 * @param decayFactor   {@code 1 − lr·weightDecay} (AdamW's decoupled decay)
 * @param sqrtBiasCorrection2 {@code sqrt(1 − beta2^step)} in double
 * @param stepSize      {@code lr / (1 − beta1^step)} rounded to float
 */
record AdamCoefficients(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                        float weightDecay, boolean decoupled, float decayFactor, boolean amsgrad,
                        double sqrtBiasCorrection2, float stepSize) {

    static AdamCoefficients of(AdamConfig c) {
        double bc1 = 1.0 - Math.pow(c.beta1(), c.step());
        double bc2 = 1.0 - Math.pow(c.beta2(), c.step());
        return new AdamCoefficients(c.beta1(), 1f - c.beta1(), c.beta2(), 1f - c.beta2(), c.eps(),
                c.weightDecay(), c.decoupledWeightDecay(), 1f - c.lr() * c.weightDecay(), c.amsgrad(),
                Math.sqrt(bc2), (float) (c.lr() / bc1));
    }
}
