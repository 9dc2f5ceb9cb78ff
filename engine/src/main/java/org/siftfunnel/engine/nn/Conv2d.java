package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * 2-D convolution over [N, Cin, H, W] with a square kernel; weight [Cout, Cin, k, k], optional
 * bias [Cout]. Initialised as PyTorch's {@code nn.Conv2d}.
 */
public final class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, boolean bias,
                  RandomSource rng) {
        Layers.checkPositive("Conv2d", "inChannels", inChannels);
        Layers.checkPositive("Conv2d", "outChannels", outChannels);
        Layers.checkPositive("Conv2d", "kernel", kernel);
        Layers.checkPositive("Conv2d", "stride", stride);
        Layers.checkPositive("Conv2d", "dilation", dilation);
        Layers.checkNonNegative("Conv2d", "padding", padding);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        int[] shape = {outChannels, inChannels, kernel, kernel};
        registerParameter("weight", Init.defaultWeight(rng, shape));
        if (bias) {
            registerParameter("bias", Init.defaultBias(rng, Init.fanIn(shape), outChannels));
        }
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, RandomSource rng) {
        this(inChannels, outChannels, kernel, stride, padding, 1, bias, rng);
    }

    /** Stride 1, no padding, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, RandomSource rng) {
        this(inChannels, outChannels, kernel, 1, 0, 1, true, rng);
    }

    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return parameterOrNull("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.checkChannels(this, x, 4, inChannels);
        return x.conv2d(weight(), bias(), stride, padding, dilation);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + (dilation != 1 ? ", dilation=" + dilation : "") + (bias() == null ? ", bias=false" : "");
    }
}
