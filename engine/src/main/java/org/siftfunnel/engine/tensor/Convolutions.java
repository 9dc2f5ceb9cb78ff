package org.siftfunnel.engine.tensor;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ConvGeometry;

/**
 * conv2d and conv_transpose2d. Both run on the backend's three convolution kernels: a
 * transposed convolution is the backward-to-input of a convolution whose input is the
 * larger image, and vice versa.
 */
final class Convolutions {
    private Convolutions() {
    }

    static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        x.checkSameBackend("conv2d", w);
        if (xs.length != 4) {
            throw new IllegalArgumentException("conv2d: input must be [N, C, H, W], got shape " + Shapes.str(xs));
        }
        if (ws.length != 4) {
            throw new IllegalArgumentException("conv2d: weight must be [Cout, Cin, kH, kW], got shape " + Shapes.str(ws));
        }
        if (ws[1] != xs[1]) {
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(xs) + " has " + xs[1] + " channels, weight "
                    + Shapes.str(ws) + " expects " + ws[1]);
        }
        checkPositive("conv2d", stride, padding, dilation);
        int oh = ConvGeometry.outputSize(xs[2], ws[2], stride, padding, dilation);
        int ow = ConvGeometry.outputSize(xs[3], ws[3], stride, padding, dilation);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(xs) + " is smaller than the kernel " + Shapes.str(ws)
                    + " with padding " + padding + " and dilation " + dilation);
        }
        checkBias("conv2d", b, ws[0]);
        ConvGeometry g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3],
                stride, stride, padding, padding, dilation, dilation, oh, ow);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, xs[0], ws[0], oh, ow);
        be.conv2d(x.buffer(), w.buffer(), b == null ? null : b.buffer(), out.buffer(), g);
        return Tensor.record("conv2d", out, gy -> {
            Tensor gx = null;
            Tensor gw = null;
            Tensor gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(be, xs);
                be.conv2dBackwardInput(gy.buffer(), w.buffer(), gx.buffer(), g);
            }
            if (w.requiresGrad()) {
                gw = Tensor.empty(be, ws);
                be.conv2dBackwardWeight(x.buffer(), gy.buffer(), gw.buffer(), g);
            }
            if (b != null && b.requiresGrad()) {
                gb = gy.sum(new int[] {0, 2, 3}, false);
            }
            return new Tensor[] {gx, gw, gb};
        }, x, w, b);
    }

    static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int outputPadding, int dilation) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        x.checkSameBackend("conv_transpose2d", w);
        if (xs.length != 4) {
            throw new IllegalArgumentException("conv_transpose2d: input must be [N, C, H, W], got shape " + Shapes.str(xs));
        }
        if (ws.length != 4) {
            throw new IllegalArgumentException("conv_transpose2d: weight must be [Cin, Cout, kH, kW], got shape " + Shapes.str(ws));
        }
        if (ws[0] != xs[1]) {
            throw new IllegalArgumentException("conv_transpose2d: input " + Shapes.str(xs) + " has " + xs[1]
                    + " channels, weight " + Shapes.str(ws) + " expects " + ws[0]);
        }
        checkPositive("conv_transpose2d", stride, padding, dilation);
        if (outputPadding < 0 || outputPadding >= Math.max(stride, dilation)) {
            throw new IllegalArgumentException("conv_transpose2d: output padding " + outputPadding
                    + " must be in [0, max(stride, dilation)) = [0, " + Math.max(stride, dilation) + ")");
        }
        int oh = (xs[2] - 1) * stride - 2 * padding + dilation * (ws[2] - 1) + outputPadding + 1;
        int ow = (xs[3] - 1) * stride - 2 * padding + dilation * (ws[3] - 1) + outputPadding + 1;
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv_transpose2d: output would be " + oh + "×" + ow + " for input " + Shapes.str(xs));
        }
        int cout = ws[1];
        checkBias("conv_transpose2d", b, cout);
        // The equivalent convolution maps the big output [N, Cout, oh, ow] to x [N, Cin, H, W]
        // with weight [Cin, Cout, k, k] — exactly this layer's weight layout.
        ConvGeometry g = new ConvGeometry(xs[0], cout, oh, ow, xs[1], ws[2], ws[3],
                stride, stride, padding, padding, dilation, dilation, xs[2], xs[3]);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, xs[0], cout, oh, ow);
        be.conv2dBackwardInput(x.buffer(), w.buffer(), out.buffer(), g);
        Tensor y = Tensor.record("conv_transpose2d", out, gy -> {
            Tensor gx = null;
            Tensor gw = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(be, xs);
                be.conv2d(gy.buffer(), w.buffer(), null, gx.buffer(), g);
            }
            if (w.requiresGrad()) {
                gw = Tensor.empty(be, ws);
                be.conv2dBackwardWeight(gy.buffer(), x.buffer(), gw.buffer(), g);
            }
            return new Tensor[] {gx, gw};
        }, x, w);
        if (b != null) {
            y = y.add(b.reshape(1, cout, 1, 1));
        }
        return y;
    }

    private static void checkPositive(String op, int stride, int padding, int dilation) {
        if (stride < 1 || padding < 0 || dilation < 1) {
            throw new IllegalArgumentException(op + ": stride " + stride + ", padding " + padding + ", dilation " + dilation
                    + " (expected stride ≥ 1, padding ≥ 0, dilation ≥ 1)");
        }
    }

    private static void checkBias(String op, Tensor b, int channels) {
        if (b != null && (b.rank() != 1 || b.size(0) != channels)) {
            throw new IllegalArgumentException(op + ": bias must be [" + channels + "], got " + Shapes.str(b.shape()));
        }
    }
}
