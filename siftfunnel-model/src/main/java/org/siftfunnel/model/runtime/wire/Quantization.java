package org.siftfunnel.model.runtime.wire;

/**
 * The affine 8-bit map of one batch: x ≈ (q − zeroPoint) · scale with q in −128..127. The
 * range is the batch's [min, max] widened to include 0, so that 0 (common after ReLU) is exact;
 * a batch of zeros gets scale 1.
 */
record Quantization(float scale, int zeroPoint) {
    static Quantization of(float[] values) {
        float lo = 0;
        float hi = 0;
        for (float v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float scale = (hi - lo) / 255f;
        if (!(scale > 0) || !Float.isFinite(scale)) {
            // All zeros (or a range too wide for float, which finite features cannot reach in practice).
            scale = scale > 0 ? Float.MAX_VALUE / 255f : 1f;
        }
        int zp = Math.round(-128f - lo / scale);
        zp = Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, zp));
        return new Quantization(scale, zp);
    }

    byte quantise(float v) {
        int q = Math.round(v / scale) + zeroPoint;
        return (byte) Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, q));
    }
}
