package org.siftfunnel.engine.backend;

/**
 * One Adam/AdamW update's hyper-parameters. {@code decoupledWeightDecay} selects AdamW
 * (decay applied to the weights) over Adam's L2 term (decay added to the gradient).
 * {@code step} is the 1-based step count used for bias correction.
 */
public record AdamConfig(float lr, float beta1, float beta2, float eps, float weightDecay,
                         boolean decoupledWeightDecay, boolean amsgrad, long step) {
}
