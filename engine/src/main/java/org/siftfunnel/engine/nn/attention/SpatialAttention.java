package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * CBAM's spatial attention map: concatenate [mean over channels, max over channels] (in that
 * order) into two planes, convolve with {@code conv1} (2 → 1, k×k, padding k/2, no bias) and
 * apply a sigmoid. Returns the [N, 1, H, W] weights; {@link CBAM} does the multiplication.
 */
public final class SpatialAttention extends Module {
    private final Conv2d conv1;

    /** @param kernel odd kernel size (the paper uses 7) */
    public SpatialAttention(int kernel, RandomSource rng) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("SpatialAttention: kernel must be odd and positive, got " + kernel);
        }
        this.conv1 = registerModule("conv1", new Conv2d(2, 1, kernel, 1, kernel / 2, false, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Attention.checkImage(this, x, -1);
        Tensor pooled = Tensor.concat(1, x.mean(1, true), x.max(1, true));
        return conv1.forward(pooled).sigmoid();
    }
}
