package org.siftfunnel.model.data;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Bilinear resizing to any size, matching PyTorch's
 * {@code F.interpolate(x, size=(outH, outW), mode='bilinear', align_corners=False, antialias=False)}
 * in float32: output pixel o samples source coordinate {@code (o + 0.5)·(in/out) − 0.5},
 * clamped below at 0; the two neighbours are {@code floor} and {@code floor + 1} (clamped
 * to the last pixel) with weights {@code 1 − λ} and {@code λ}; rows and columns are
 * interpolated as {@code λh0·(λw0·a + λw1·b) + λh1·(λw0·c + λw1·d)}.
 *
 * <p>For upscaling (28 → 32 or 64, the usual case here) this is also what PIL's
 * {@code Image.resize(..., BILINEAR)} computes; for downscaling PIL widens its filter
 * (antialiasing) and this does not, like PyTorch with {@code antialias=False}.
 */
public final class Resize {
    private Resize() {
    }

    /** Sampling positions along one axis: left index, right index and right weight per output pixel. */
    record Axis(int[] lo, int[] hi, float[] lambda) {
        static Axis of(int in, int out) {
            int[] lo = new int[out];
            int[] hi = new int[out];
            float[] lambda = new float[out];
            float scale = (float) in / out;
            for (int o = 0; o < out; o++) {
                float src = scale * (o + 0.5f) - 0.5f;
                if (src < 0) {
                    src = 0;
                }
                int i0 = (int) src;
                lo[o] = i0;
                hi[o] = i0 < in - 1 ? i0 + 1 : i0;
                lambda[o] = Math.min(Math.max(src - i0, 0f), 1f);
            }
            return new Axis(lo, hi, lambda);
        }
    }

    /** Reusable tables for one (inH, inW) → (outH, outW) resize. Immutable; safe to share between threads. */
    public static final class Plan {
        private final int inH;
        private final int inW;
        private final int outH;
        private final int outW;
        private final Axis rows;
        private final Axis cols;

        public Plan(int inH, int inW, int outH, int outW) {
            if (inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0) {
                throw new IllegalArgumentException("resize: sizes must be positive, got " + inH + "×" + inW + " → "
                        + outH + "×" + outW);
            }
            this.inH = inH;
            this.inW = inW;
            this.outH = outH;
            this.outW = outW;
            this.rows = Axis.of(inH, outH);
            this.cols = Axis.of(inW, outW);
        }

        public boolean isIdentity() {
            return inH == outH && inW == outW;
        }

        /** Resizes {@code channels} planes of inH×inW at {@code src[srcOff]} into {@code dst[dstOff]}. */
        public void apply(float[] src, int srcOff, int channels, float[] dst, int dstOff) {
            if (isIdentity()) {
                System.arraycopy(src, srcOff, dst, dstOff, channels * inH * inW);
                return;
            }
            for (int c = 0; c < channels; c++) {
                int sBase = srcOff + c * inH * inW;
                int dBase = dstOff + c * outH * outW;
                for (int oy = 0; oy < outH; oy++) {
                    float h1 = rows.lambda[oy];
                    float h0 = 1f - h1;
                    int r0 = sBase + rows.lo[oy] * inW;
                    int r1 = sBase + rows.hi[oy] * inW;
                    for (int ox = 0; ox < outW; ox++) {
                        float w1 = cols.lambda[ox];
                        float w0 = 1f - w1;
                        int x0 = cols.lo[ox];
                        int x1 = cols.hi[ox];
                        dst[dBase + oy * outW + ox] = h0 * (w0 * src[r0 + x0] + w1 * src[r0 + x1])
                                + h1 * (w0 * src[r1 + x0] + w1 * src[r1 + x1]);
                    }
                }
            }
        }
    }

    /** Resizes one [C, inH, inW] image into a new [C, outH, outW] array. */
    public static float[] bilinear(float[] src, int channels, int inH, int inW, int outH, int outW) {
        if (src.length != channels * inH * inW) {
            throw new IllegalArgumentException("resize: " + src.length + " values do not form a " + channels + "×" + inH
                    + "×" + inW + " image");
        }
        float[] dst = new float[channels * outH * outW];
        new Plan(inH, inW, outH, outW).apply(src, 0, channels, dst, 0);
        return dst;
    }

    /**
     * Resizes a batch [N, C, H, W] to [N, C, outH, outW] on the host (a data-preparation op:
     * not differentiable, the result has no autograd history).
     */
    public static Tensor bilinear(Tensor x, int outH, int outW) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("resize: expected a [N, C, H, W] tensor, got rank " + s.length);
        }
        Backend backend = x.backend();
        float[] in = x.toArray();
        float[] out = new float[s[0] * s[1] * outH * outW];
        new Plan(s[2], s[3], outH, outW).apply(in, 0, s[0] * s[1], out, 0);
        return Tensor.of(backend, out, s[0], s[1], outH, outW);
    }
}
