package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Adaptive max pooling to a 1×1 output: the maximum of each channel, [N, C, H, W] → [N, C, 1, 1]. Only output size 1 is supported. */
public final class AdaptiveMaxPool2d extends Module {
    /** @param outputSize must be 1 (the only size the paper's models use) */
    public AdaptiveMaxPool2d(int outputSize) {
        if (outputSize != 1) {
            throw new IllegalArgumentException("AdaptiveMaxPool2d: only output size 1 is supported, got " + outputSize);
        }
    }

    public AdaptiveMaxPool2d() {
        this(1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.adaptiveMaxPool1();
    }

    @Override
    protected String extraRepr() {
        return "1";
    }
}
