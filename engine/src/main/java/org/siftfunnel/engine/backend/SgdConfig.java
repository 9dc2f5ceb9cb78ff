package org.siftfunnel.engine.backend;

/**
 * One SGD update's hyper-parameters (PyTorch semantics). {@code firstStep} initialises the
 * momentum buffer with the gradient instead of blending it.
 */
public record SgdConfig(float lr, float momentum, float dampening, float weightDecay,
                        boolean nesterov, boolean firstStep) {
}
