package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Adaptive average pooling to a 1×1 output: the mean of each channel, [N, C, H, W] → [N, C, 1, 1]. Only output size 1 is supported. */
public final class AdaptiveAvgPool2d extends Module {
    /** @param outputSize must be 1 (the only size the paper's models use) */
    public AdaptiveAvgPool2d(int outputSize) {
        if (outputSize != 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: only output size 1 is supported, got " + outputSize);
        }
    }

    public AdaptiveAvgPool2d() {
        this(1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.adaptiveAvgPool1();
    }

    @Override
    protected String extraRepr() {
        return "1";
    }
}
