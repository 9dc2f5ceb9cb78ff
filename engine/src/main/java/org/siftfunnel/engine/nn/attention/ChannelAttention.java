package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * CBAM's channel attention map: a shared MLP of 1×1 convolutions {@code fc1} (C → C/ratio, no
 * bias), ReLU, {@code fc2} (C/ratio → C, no bias) applied to the global average-pooled and the
 * global max-pooled vectors; the two results are summed and passed through a sigmoid.
 * Returns the [N, C, 1, 1] weights; {@link CBAM} does the multiplication.
 */
public final class ChannelAttention extends Module {
    private final int channels;
    private final Conv2d fc1;
    private final Conv2d fc2;

    public ChannelAttention(int channels, int ratio, RandomSource rng) {
        if (channels < 1 || ratio < 1 || channels / ratio < 1) {
            throw new IllegalArgumentException("ChannelAttention: channels (" + channels + ") / ratio (" + ratio
                    + ") must be at least 1");
        }
        this.channels = channels;
        int hidden = channels / ratio;
        this.fc1 = registerModule("fc1", new Conv2d(channels, hidden, 1, 1, 0, false, rng));
        this.fc2 = registerModule("fc2", new Conv2d(hidden, channels, 1, 1, 0, false, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Attention.checkImage(this, x, channels);
        Tensor avg = fc2.forward(fc1.forward(x.adaptiveAvgPool1()).relu());
        Tensor max = fc2.forward(fc1.forward(x.adaptiveMaxPool1()).relu());
        return avg.add(max).sigmoid();
    }

    @Override
    protected String extraRepr() {
        return Integer.toString(channels);
    }
}
