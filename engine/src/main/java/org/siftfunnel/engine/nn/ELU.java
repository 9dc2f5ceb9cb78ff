package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Exponential linear unit: {@code x} for x > 0, {@code α·(eˣ − 1)} otherwise. */
public final class ELU extends Module {
    private final float alpha;

    public ELU(float alpha) {
        this.alpha = alpha;
    }

    /** α = 1, PyTorch's default. */
    public ELU() {
        this(1f);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.elu(alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha;
    }
}
