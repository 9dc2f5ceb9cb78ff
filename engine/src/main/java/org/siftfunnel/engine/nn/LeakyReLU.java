package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Leaky ReLU: {@code x} for x ≥ 0, {@code slope·x} otherwise. */
public final class LeakyReLU extends Module {
    private final float negativeSlope;

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    /** Slope 0.01, PyTorch's default. */
    public LeakyReLU() {
        this(0.01f);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negativeSlope=" + negativeSlope;
    }
}
