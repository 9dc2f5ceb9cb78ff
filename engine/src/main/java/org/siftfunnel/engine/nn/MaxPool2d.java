package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Max pooling over square windows of [N, C, H, W] inputs. */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2d(int kernel, int stride, int padding) {
        Layers.checkPositive("MaxPool2d", "kernel", kernel);
        Layers.checkPositive("MaxPool2d", "stride", stride);
        Layers.checkNonNegative("MaxPool2d", "padding", padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Stride equal to the kernel, no padding (PyTorch's default). */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.maxPool2d(kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
