package org.siftfunnel.model.data;

/**
 * Channel handling before a model sees an image: keep what the dataset has, or convert to
 * greyscale (ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}, as PIL's
 * {@code convert('L')}) or to RGB (grey replicated into three channels).
 */
public enum ColorMode {
    KEEP, GREY, RGB;

    /** BT.601 luma weights. */
    static final float LUMA_R = 0.299f;
    static final float LUMA_G = 0.587f;
    static final float LUMA_B = 0.114f;

    /** Channels after conversion from {@code in} channels. */
    public int outputChannels(int in) {
        return switch (this) {
            case KEEP -> in;
            case GREY -> 1;
            case RGB -> 3;
        };
    }

    /**
     * Converts one image of {@code inChannels} planes of {@code plane} pixels.
     *
     * @throws IllegalArgumentException when a conversion is asked of an image that is neither grey nor RGB
     */
    public void convert(float[] src, int srcOff, int inChannels, int plane, float[] dst, int dstOff) {
        int out = outputChannels(inChannels);
        if (out == inChannels) {
            System.arraycopy(src, srcOff, dst, dstOff, inChannels * plane);
            return;
        }
        if (inChannels == 3 && out == 1) {
            for (int p = 0; p < plane; p++) {
                dst[dstOff + p] = LUMA_R * src[srcOff + p] + LUMA_G * src[srcOff + plane + p]
                        + LUMA_B * src[srcOff + 2 * plane + p];
            }
        } else if (inChannels == 1 && out == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(src, srcOff, dst, dstOff + c * plane, plane);
            }
        } else {
            throw new IllegalArgumentException("color mode " + this + ": cannot convert " + inChannels
                    + "-channel images (only 1 ↔ 3)");
        }
    }
}
