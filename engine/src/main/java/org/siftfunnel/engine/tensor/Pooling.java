package org.siftfunnel.engine.tensor;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.PoolGeometry;
import org.siftfunnel.engine.backend.UpsampleMode;

/** Max/average pooling, adaptive pooling to 1×1, and nearest/bilinear upsampling. */
final class Pooling {
    private Pooling() {
    }

    private static PoolGeometry geometry(String op, int[] s, int kernel, int stride, int padding) {
        if (s.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [N, C, H, W], got shape " + Shapes.str(s));
        }
        if (kernel < 1 || stride < 1 || padding < 0 || padding * 2 > kernel) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + ", stride " + stride + ", padding " + padding
                    + " (expected kernel, stride ≥ 1 and 0 ≤ padding ≤ kernel/2)");
        }
        int oh = (s[2] + 2 * padding - kernel) / stride + 1;
        int ow = (s[3] + 2 * padding - kernel) / stride + 1;
        if (s[2] + 2 * padding < kernel || s[3] + 2 * padding < kernel) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(s) + " is smaller than the " + kernel + "×" + kernel + " window");
        }
        return new PoolGeometry(s[0] * s[1], s[2], s[3], kernel, kernel, stride, stride, padding, padding, oh, ow);
    }

    static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        int[] s = x.shape();
        PoolGeometry g = geometry("max_pool2d", s, kernel, stride, padding);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, s[0], s[1], g.outH(), g.outW());
        Tensor switches = x.requiresGrad() ? Tensor.empty(be, out.shape()) : null;
        be.maxPool2d(x.buffer(), out.buffer(), switches == null ? null : switches.buffer(), g);
        return Tensor.record("max_pool2d", out, gy -> {
            Tensor gx = Tensor.empty(be, s);
            be.maxPool2dBackward(gy.buffer(), switches.buffer(), gx.buffer(), g);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        int[] s = x.shape();
        PoolGeometry g = geometry("avg_pool2d", s, kernel, stride, padding);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, s[0], s[1], g.outH(), g.outW());
        be.avgPool2d(x.buffer(), out.buffer(), g);
        return Tensor.record("avg_pool2d", out, gy -> {
            Tensor gx = Tensor.empty(be, s);
            be.avgPool2dBackward(gy.buffer(), gx.buffer(), g);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor adaptivePool1(Tensor x, boolean max) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException((max ? "adaptive_max_pool2d" : "adaptive_avg_pool2d")
                    + ": input must be [N, C, H, W], got shape " + Shapes.str(s));
        }
        Tensor flat = x.reshape(s[0], s[1], s[2] * s[3]);
        Tensor r = max ? flat.max(2, true) : flat.mean(2, true);
        return r.reshape(s[0], s[1], 1, 1);
    }

    static Tensor upsample(Tensor x, UpsampleMode mode, int scale) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("upsample: input must be [N, C, H, W], got shape " + Shapes.str(s));
        }
        if (scale < 1) {
            throw new IllegalArgumentException("upsample: scale must be a positive integer, got " + scale);
        }
        int planes = s[0] * s[1];
        int oh = s[2] * scale;
        int ow = s[3] * scale;
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, s[0], s[1], oh, ow);
        be.upsample2d(mode, x.buffer(), out.buffer(), planes, s[2], s[3], oh, ow);
        return Tensor.record("upsample_" + mode.name().toLowerCase(), out, gy -> {
            Tensor gx = Tensor.empty(be, s);
            be.upsample2dBackward(mode, gy.buffer(), gx.buffer(), planes, s[2], s[3], oh, ow);
            return new Tensor[] {gx};
        }, x);
    }
}
