package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Convolutional block attention module (the paper's {@code CBAM(C, ratio, k)}): the input is
 * multiplied by the channel attention map of {@code ca}, and the result by the spatial
 * attention map of {@code sa}. State-dict names: {@code ca.fc1.weight} [C/ratio, C, 1, 1],
 * {@code ca.fc2.weight} [C, C/ratio, 1, 1], {@code sa.conv1.weight} [1, 2, k, k].
 */
public final class CBAM extends Module {
    private final int channels;
    private final int ratio;
    private final ChannelAttention ca;
    private final SpatialAttention sa;

    public CBAM(int channels, int ratio, int kernel, RandomSource rng) {
        this.channels = channels;
        this.ratio = ratio;
        this.ca = registerModule("ca", new ChannelAttention(channels, ratio, rng));
        this.sa = registerModule("sa", new SpatialAttention(kernel, rng));
    }

    /** With the paper's 7×7 spatial kernel. */
    public CBAM(int channels, int ratio, RandomSource rng) {
        this(channels, ratio, 7, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = x.mul(ca.forward(x));
        return out.mul(sa.forward(out));
    }

    @Override
    protected String extraRepr() {
        return channels + ", ratio=" + ratio;
    }
}
