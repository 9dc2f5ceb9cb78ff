package org.siftfunnel.model.data;

import org.siftfunnel.engine.random.RandomSource;

/**
 * The paper's training augmentation: {@code RandomHorizontalFlip()} then
 * {@code ColorJitter(brightness, contrast, saturation, hue)}, applied to raw images in
 * [0, 1] before normalisation. It follows torchvision's tensor implementation:
 * <ul>
 *   <li>flip with probability 1/2;</li>
 *   <li>factors drawn uniformly: brightness, contrast and saturation from
 *       [max(0, 1 − s), 1 + s], hue from [−h, h];</li>
 *   <li>the four adjustments in a random order; each blends and clamps to [0, 1]:
 *       brightness {@code b·x}; contrast {@code c·x + (1 − c)·mean(grey(x))} over the image;
 *       saturation {@code s·x + (1 − s)·grey(x)} per pixel; hue rotates H in HSV space by
 *       the factor (a fraction of the colour circle);</li>
 *   <li>greyscale images get only brightness and contrast (torchvision skips saturation and
 *       hue for one channel).</li>
 * </ul>
 * Grey values use the BT.601 weights of {@link ColorMode} (torchvision uses 0.2989 for red).
 * The paper applied the jitter to 8-bit PIL images, which rounds after each step; this works
 * in float and does not round.
 *
 * <p>Every image consumes exactly eight draws from the {@link RandomSource} it is given (flip,
 * three for the order, four factors), whatever the strengths, so one seed gives one result.
 */
public record Augmentation(boolean horizontalFlip, float brightness, float contrast, float saturation, float hue) {
    /** No augmentation (test data, attacks). */
    public static final Augmentation NONE = new Augmentation(false, 0f, 0f, 0f, 0f);
    /** The paper's: flip, ColorJitter(0.2, 0.2, 0.2, 0.2). */
    public static final Augmentation PAPER = new Augmentation(true, 0.2f, 0.2f, 0.2f, 0.2f);

    private static final int BRIGHTNESS = 0;
    private static final int CONTRAST = 1;
    private static final int SATURATION = 2;
    private static final int HUE = 3;

    public Augmentation {
        if (!(brightness >= 0) || !(contrast >= 0) || !(saturation >= 0)) {
            throw new IllegalArgumentException("augmentation: brightness, contrast and saturation strengths must be ≥ 0, got "
                    + brightness + ", " + contrast + ", " + saturation);
        }
        if (!(hue >= 0 && hue <= 0.5f)) {
            throw new IllegalArgumentException("augmentation: hue strength must be in [0, 0.5], got " + hue);
        }
    }

    /** True when images pass through unchanged. */
    public boolean isIdentity() {
        return !horizontalFlip && brightness == 0 && contrast == 0 && saturation == 0 && hue == 0;
    }

    /** Augments one [channels, height, width] image at {@code img[offset]} in place. */
    public void apply(float[] img, int offset, int channels, int height, int width, RandomSource rng) {
        float flipDraw = rng.nextFloat();
        int[] order = {BRIGHTNESS, CONTRAST, SATURATION, HUE};
        StratifiedSplit.shuffle(order, rng);
        float b = factor(rng.nextFloat(), brightness);
        float c = factor(rng.nextFloat(), contrast);
        float s = factor(rng.nextFloat(), saturation);
        float h = (2f * rng.nextFloat() - 1f) * hue;
        if (horizontalFlip && flipDraw < 0.5f) {
            flip(img, offset, channels, height, width);
        }
        int plane = height * width;
        boolean rgb = channels == 3;
        for (int op : order) {
            switch (op) {
                case BRIGHTNESS -> {
                    if (brightness > 0) {
                        scale(img, offset, channels * plane, b);
                    }
                }
                case CONTRAST -> {
                    if (contrast > 0) {
                        blendWithValue(img, offset, channels * plane, c, meanGrey(img, offset, channels, plane));
                    }
                }
                case SATURATION -> {
                    if (saturation > 0 && rgb) {
                        saturate(img, offset, plane, s);
                    }
                }
                default -> {
                    if (hue > 0 && rgb) {
                        rotateHue(img, offset, plane, h);
                    }
                }
            }
        }
    }

    private static float factor(float u, float strength) {
        float lo = Math.max(0f, 1f - strength);
        float hi = 1f + strength;
        return lo + u * (hi - lo);
    }

    static void flip(float[] img, int offset, int channels, int height, int width) {
        for (int r = 0; r < channels * height; r++) {
            int row = offset + r * width;
            for (int i = 0, j = width - 1; i < j; i++, j--) {
                float t = img[row + i];
                img[row + i] = img[row + j];
                img[row + j] = t;
            }
        }
    }

    private static float clamp01(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }

    private static void scale(float[] img, int offset, int n, float factor) {
        for (int i = offset; i < offset + n; i++) {
            img[i] = clamp01(factor * img[i]);
        }
    }

    private static void blendWithValue(float[] img, int offset, int n, float ratio, float value) {
        float other = (1f - ratio) * value;
        for (int i = offset; i < offset + n; i++) {
            img[i] = clamp01(ratio * img[i] + other);
        }
    }

    /** Mean grey level of the image (the mean itself for one channel, BT.601 luma for three). */
    static float meanGrey(float[] img, int offset, int channels, int plane) {
        double sum = 0;
        if (channels == 3) {
            for (int p = 0; p < plane; p++) {
                sum += ColorMode.LUMA_R * img[offset + p] + ColorMode.LUMA_G * img[offset + plane + p]
                        + ColorMode.LUMA_B * img[offset + 2 * plane + p];
            }
            return (float) (sum / plane);
        }
        for (int i = offset; i < offset + channels * plane; i++) {
            sum += img[i];
        }
        return (float) (sum / (channels * plane));
    }

    private static void saturate(float[] img, int offset, int plane, float ratio) {
        for (int p = 0; p < plane; p++) {
            int r = offset + p;
            int g = r + plane;
            int b = g + plane;
            float grey = ColorMode.LUMA_R * img[r] + ColorMode.LUMA_G * img[g] + ColorMode.LUMA_B * img[b];
            float other = (1f - ratio) * grey;
            img[r] = clamp01(ratio * img[r] + other);
            img[g] = clamp01(ratio * img[g] + other);
            img[b] = clamp01(ratio * img[b] + other);
        }
    }

    /** Shifts the hue of every pixel by {@code shift} turns of the colour circle (HSV). */
    static void rotateHue(float[] img, int offset, int plane, float shift) {
        for (int p = 0; p < plane; p++) {
            int ri = offset + p;
            int gi = ri + plane;
            int bi = gi + plane;
            float r = img[ri];
            float g = img[gi];
            float b = img[bi];
            float max = Math.max(r, Math.max(g, b));
            float min = Math.min(r, Math.min(g, b));
            float chroma = max - min;
            if (chroma == 0f) {
                continue; // grey pixels have no hue to rotate
            }
            float sat = chroma / max;
            // Hue in sixths of a turn, by which channel is largest.
            float h6;
            if (max == r) {
                h6 = (g - b) / chroma;
            } else if (max == g) {
                h6 = 2f + (b - r) / chroma;
            } else {
                h6 = 4f + (r - g) / chroma;
            }
            float hue = h6 / 6f + shift;
            hue -= (float) Math.floor(hue);
            hsvToRgb(hue, sat, max, img, ri, gi, bi);
        }
    }

    /** HSV (all in [0, 1]) to RGB, written to {@code out} at the three given positions. */
    static void hsvToRgb(float h, float s, float v, float[] out, int ri, int gi, int bi) {
        float h6 = h * 6f;
        int sector = (int) Math.floor(h6);
        float f = h6 - sector;
        sector = Math.floorMod(sector, 6);
        float p = clamp01(v * (1f - s));
        float q = clamp01(v * (1f - s * f));
        float t = clamp01(v * (1f - s * (1f - f)));
        float r;
        float g;
        float b;
        switch (sector) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        out[ri] = r;
        out[gi] = g;
        out[bi] = b;
    }
}
