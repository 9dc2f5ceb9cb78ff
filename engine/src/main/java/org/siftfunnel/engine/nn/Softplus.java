package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Softplus {@code log(1 + e^(βx)) / β}, linear above {@code βx > threshold} (PyTorch's definition). */
public final class Softplus extends Module {
    private final float beta;
    private final float threshold;

    public Softplus(float beta, float threshold) {
        if (!(beta > 0f)) {
            throw new IllegalArgumentException("Softplus: beta must be > 0, got " + beta);
        }
        this.beta = beta;
        this.threshold = threshold;
    }

    /** β = 1, threshold 20, PyTorch's defaults. */
    public Softplus() {
        this(1f, 20f);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softplus(beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + beta + ", threshold=" + threshold;
    }
}
