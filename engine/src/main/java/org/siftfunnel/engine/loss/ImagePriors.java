package org.siftfunnel.engine.loss;

import org.siftfunnel.engine.tensor.Tensor;

/** Smoothness priors on images, used by reconstruction attacks. Reached through {@link Losses}. */
final class ImagePriors {
    private ImagePriors() {
    }

    /**
     * {@code [Σ(Δ_h x)²/(C·(H−1)·W) + Σ(Δ_w x)²/(C·H·(W−1))] / B} for x [B, C, H, W].
     */
    static Tensor totalVariation(Tensor x) {
        LossChecks.rank("total_variation", "images", x, 4, "[B, C, H, W]");
        int[] s = x.shape();
        int b = s[0];
        int c = s[1];
        int h = s[2];
        int w = s[3];
        if (b == 0 || c == 0 || h < 2 || w < 2) {
            throw new IllegalArgumentException("total_variation: needs a non-empty batch and images of at least 2×2, got shape "
                    + LossChecks.shape(x));
        }
        Tensor vertical = x.slice(2, 1, h).sub(x.slice(2, 0, h - 1)).square().sum().div((float) c * (h - 1) * w);
        Tensor horizontal = x.slice(3, 1, w).sub(x.slice(3, 0, w - 1)).square().sum().div((float) c * h * (w - 1));
        return vertical.add(horizontal).div(b);
    }
}
