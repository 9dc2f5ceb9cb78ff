package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.siftfunnel.engine.random.RandomSource;

class AugmentationTest {
    private static float[] image(int channels, int h, int w, long seed) {
        RandomSource rng = new RandomSource(seed);
        float[] x = new float[channels * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        return x;
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResult() {
        float[] a = image(3, 6, 5, 1);
        float[] b = a.clone();
        float[] c = a.clone();
        Augmentation.PAPER.apply(a, 0, 3, 6, 5, new RandomSource(42));
        Augmentation.PAPER.apply(b, 0, 3, 6, 5, new RandomSource(42));
        Augmentation.PAPER.apply(c, 0, 3, 6, 5, new RandomSource(43));
        assertArrayEquals(a, b, 0f);
        assertFalse(Arrays.equals(a, c));
        for (float v : a) {
            assertTrue(v >= 0f && v <= 1f, "stays in [0, 1]: " + v);
        }
    }

    @Test
    void usesEightDrawsPerImageWhateverTheStrengths() {
        RandomSource r1 = new RandomSource(9);
        RandomSource r2 = new RandomSource(9);
        Augmentation.PAPER.apply(image(3, 2, 2, 0), 0, 3, 2, 2, r1);
        Augmentation.NONE.apply(image(1, 2, 2, 0), 0, 1, 2, 2, r2);
        assertEquals(8, r1.position());
        assertEquals(8, r2.position());
    }

    @Test
    void flipReversesRowsAboutHalfTheTime() {
        float[] x = {1, 2, 3, 4, 5, 6};
        Augmentation.flip(x, 0, 1, 2, 3);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, x, 0f);
        Augmentation flipOnly = new Augmentation(true, 0, 0, 0, 0);
        int flipped = 0;
        for (int s = 0; s < 400; s++) {
            float[] y = {1, 2, 3, 4, 5, 6};
            flipOnly.apply(y, 0, 1, 2, 3, new RandomSource(s));
            if (y[0] == 3f) {
                flipped++;
                assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, y, 0f);
            } else {
                assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, y, 0f);
            }
        }
        assertTrue(flipped > 160 && flipped < 240, "flipped " + flipped + " of 400");
    }

    @Test
    void brightnessScalesByAFactorInRange() {
        Augmentation bright = new Augmentation(false, 0.2f, 0, 0, 0);
        for (int s = 0; s < 50; s++) {
            float[] x = {0.1f, 0.2f, 0.4f};
            bright.apply(x, 0, 1, 1, 3, new RandomSource(s));
            float f = x[0] / 0.1f;
            assertTrue(f >= 0.8f - 1e-5f && f <= 1.2f + 1e-5f, "factor " + f);
            assertEquals(0.2f * f, x[1], 1e-5f);
            assertEquals(0.4f * f, x[2], 1e-5f);
        }
    }

    @Test
    void contrastBlendsTowardTheMeanGrey() {
        Augmentation contrast = new Augmentation(false, 0, 0.2f, 0, 0);
        for (int s = 0; s < 20; s++) {
            float[] x = {0.2f, 0.4f, 0.6f};
            contrast.apply(x, 0, 1, 1, 3, new RandomSource(s));
            // mean 0.4 is a fixed point; the others move symmetrically by the same factor.
            assertEquals(0.4f, x[1], 1e-6f);
            assertEquals(0.8f, x[0] + x[2], 1e-6f);
            float f = (x[2] - 0.4f) / 0.2f;
            assertTrue(f >= 0.8f - 1e-5f && f <= 1.2f + 1e-5f, "factor " + f);
        }
    }

    @Test
    void greyImagesIgnoreSaturationAndHue() {
        Augmentation colourOnly = new Augmentation(false, 0, 0, 0.2f, 0.2f);
        float[] x = image(1, 4, 4, 3);
        float[] y = x.clone();
        colourOnly.apply(y, 0, 1, 4, 4, new RandomSource(5));
        assertArrayEquals(x, y, 0f);
    }

    @Test
    void hueRotationByHandComputedValues() {
        // Pure red (1, 0, 0) is hue 0; a third of a turn makes it pure green, two thirds pure blue.
        float[] red = {1, 0, 0};
        Augmentation.rotateHue(red, 0, 1, 1f / 3f);
        assertArrayEquals(new float[] {0, 1, 0}, red, 1e-5f);
        float[] red2 = {1, 0, 0};
        Augmentation.rotateHue(red2, 0, 1, -1f / 3f);
        assertArrayEquals(new float[] {0, 0, 1}, red2, 1e-5f);
        // (0.8, 0.4, 0.2): H = (0.4 − 0.2)/0.6/6 = 1/18, S = 0.75, V = 0.8. Shift by 1/6 → H = 2/9:
        // sector 1, f = 1/3: r = V(1 − S·f) = 0.6, g = V = 0.8, b = V(1 − S) = 0.2.
        float[] c = {0.8f, 0.4f, 0.2f};
        Augmentation.rotateHue(c, 0, 1, 1f / 6f);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0.2f}, c, 1e-5f);
        // Grey pixels have no hue and are left alone; a zero shift is the identity.
        float[] grey = {0.3f, 0.3f, 0.3f};
        Augmentation.rotateHue(grey, 0, 1, 0.2f);
        assertArrayEquals(new float[] {0.3f, 0.3f, 0.3f}, grey, 0f);
        float[] any = {0.13f, 0.77f, 0.41f};
        Augmentation.rotateHue(any, 0, 1, 0f);
        assertArrayEquals(new float[] {0.13f, 0.77f, 0.41f}, any, 1e-6f);
    }

    @Test
    void saturationBlendsTowardGreyAndStrengthsAreValidated() {
        assertTrue(Augmentation.NONE.isIdentity());
        assertFalse(Augmentation.PAPER.isIdentity());
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, -0.1f, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, 0, 0, 0, 0.6f));
        // Saturation blends every channel toward the pixel's grey with one factor; this pixel stays
        // inside [0, 1] for every factor in [0, 2], so no clamping interferes.
        Augmentation sat = new Augmentation(false, 0, 0, 1f, 0);
        float[] px = {0.6f, 0.4f, 0.5f};
        sat.apply(px, 0, 3, 1, 1, new RandomSource(0));
        float grey = ColorMode.LUMA_R * 0.6f + ColorMode.LUMA_G * 0.4f + ColorMode.LUMA_B * 0.5f;
        float f = (px[0] - grey) / (0.6f - grey);
        assertTrue(f >= 0f && f <= 2f && Math.abs(f - 1f) > 1e-3f, "factor " + f);
        assertEquals(grey + f * (0.5f - grey), px[2], 1e-5f);
        assertEquals(grey + f * (0.4f - grey), px[1], 1e-5f, "one factor blends every channel toward the same grey");
    }
}
