package org.siftfunnel.engine.optim;

import java.util.List;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * AdamW ({@code torch.optim.AdamW}): Adam with decoupled weight decay, {@code θ ← θ·(1 − lr·λ)}
 * before the Adam step instead of adding λθ to the gradient. PyTorch's default λ is 0.01.
 */
public final class AdamW extends Adam {
    /** PyTorch's default weight decay for AdamW. */
    public static final float DEFAULT_WEIGHT_DECAY = 1e-2f;

    /** AdamW with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, float lr) {
        this(params, Settings.of(lr).withWeightDecay(DEFAULT_WEIGHT_DECAY));
    }

    public AdamW(List<Tensor> params, Settings settings) {
        super("AdamW", params, settings, true);
    }
}
