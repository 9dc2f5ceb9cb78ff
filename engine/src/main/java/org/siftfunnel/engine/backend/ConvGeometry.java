package org.siftfunnel.engine.backend;

/**
 * Sizes of a 2-D convolution {@code y = conv(x, w)} with x [batch, inChannels, inH, inW],
 * w [outChannels, inChannels, kH, kW] and y [batch, outChannels, outH, outW]. The output size
 * is explicit (not recomputed) so that a transposed convolution with output padding can run
 * as the backward-to-input of a convolution whose "input" is the larger image.
 */
public record ConvGeometry(int batch, int inChannels, int inH, int inW,
                           int outChannels, int kH, int kW,
                           int strideH, int strideW, int padH, int padW, int dilationH, int dilationW,
                           int outH, int outW) {

    public ConvGeometry {
        if (batch < 1 || inChannels < 1 || inH < 1 || inW < 1 || outChannels < 1 || kH < 1 || kW < 1
                || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || dilationH < 1 || dilationW < 1
                || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("conv2d: invalid geometry " + this);
        }
    }

    /** Standard output size of a convolution along one axis. */
    public static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    public long macs() {
        return (long) batch * outChannels * outH * outW * inChannels * kH * kW;
    }
}
