package org.siftfunnel.engine.nn;

import java.util.Objects;

import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.tensor.Tensor;

/** Spatial upsampling of [N, C, H, W] by an integer factor (bilinear uses align_corners=false). */
public final class Upsample extends Module {
    private final UpsampleMode mode;
    private final int scale;

    public Upsample(UpsampleMode mode, int scale) {
        Layers.checkPositive("Upsample", "scale", scale);
        this.mode = Objects.requireNonNull(mode, "Upsample: mode");
        this.scale = scale;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.upsample(mode, scale);
    }

    @Override
    protected String extraRepr() {
        return "mode=" + mode + ", scale=" + scale;
    }
}
