package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * 2-D transposed convolution with a square kernel; weight [Cin, Cout, k, k] (PyTorch's layout),
 * optional bias [Cout]. Output size {@code (H − 1)·stride − 2·padding + k + outputPadding}.
 * Initialised as PyTorch's {@code nn.ConvTranspose2d} (whose fan-in is {@code Cout·k·k}).
 */
public final class ConvTranspose2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outputPadding;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding,
                           boolean bias, RandomSource rng) {
        Layers.checkPositive("ConvTranspose2d", "inChannels", inChannels);
        Layers.checkPositive("ConvTranspose2d", "outChannels", outChannels);
        Layers.checkPositive("ConvTranspose2d", "kernel", kernel);
        Layers.checkPositive("ConvTranspose2d", "stride", stride);
        Layers.checkNonNegative("ConvTranspose2d", "padding", padding);
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("ConvTranspose2d: outputPadding must be in [0, stride) = [0, " + stride
                    + "), got " + outputPadding);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        int[] shape = {inChannels, outChannels, kernel, kernel};
        registerParameter("weight", Init.defaultWeight(rng, shape));
        if (bias) {
            registerParameter("bias", Init.defaultBias(rng, Init.fanIn(shape), outChannels));
        }
    }

    /** No output padding, with bias. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, RandomSource rng) {
        this(inChannels, outChannels, kernel, stride, padding, 0, true, rng);
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
        return x.convTranspose2d(weight(), bias(), stride, padding, outputPadding);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + (outputPadding != 0 ? ", outputPadding=" + outputPadding : "") + (bias() == null ? ", bias=false" : "");
    }
}
