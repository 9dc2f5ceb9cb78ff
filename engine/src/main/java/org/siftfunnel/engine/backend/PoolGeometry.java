package org.siftfunnel.engine.backend;

/**
 * Sizes of a 2-D pooling over {@code planes} independent planes (batch × channels) of
 * inH × inW, giving outH × outW. Average pooling counts padded cells (PyTorch's
 * count_include_pad=true); max pooling treats them as −∞.
 */
public record PoolGeometry(int planes, int inH, int inW, int kH, int kW,
                           int strideH, int strideW, int padH, int padW, int outH, int outW) {
    public PoolGeometry {
        if (planes < 1 || inH < 1 || inW < 1 || kH < 1 || kW < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("pool2d: invalid geometry " + this);
        }
    }
}
