package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.SgdConfig;

/**
 * One SGD step's constants, in the form the kernels use; the float expressions match
 * {@link org.siftfunnel.engine.backend.OptimizerMath#sgd}.
 */
record SgdCoefficients(float lr, float momentum, float oneMinusDampening, float weightDecay,
                       boolean nesterov, boolean firstStep) {

    static SgdCoefficients of(SgdConfig c) {
        return new SgdCoefficients(c.lr(), c.momentum(), 1f - c.dampening(), c.weightDecay(), c.nesterov(), c.firstStep());
    }
}
