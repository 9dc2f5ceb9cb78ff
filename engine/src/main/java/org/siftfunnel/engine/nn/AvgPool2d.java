package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Average pooling over square windows of [N, C, H, W] inputs (padding counted in the divisor, as PyTorch's default). */
public final class AvgPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    public AvgPool2d(int kernel, int stride, int padding) {
        Layers.checkPositive("AvgPool2d", "kernel", kernel);
        Layers.checkPositive("AvgPool2d", "stride", stride);
        Layers.checkNonNegative("AvgPool2d", "padding", padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Stride equal to the kernel, no padding (PyTorch's default). */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.avgPool2d(kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
