package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.tensor.Tensor;

class ImageMetricsTest {

    @Test
    void identicalImagesHaveZeroMseInfinitePsnrAndCosineOne() {
        Tensor x = Images.random(1, 3, 2, 8, 8);
        assertArrayEquals(new double[] {0, 0, 0}, ImageMetrics.msePerImage(x, x), 0);
        for (double p : ImageMetrics.psnrPerImage(x, x)) {
            assertEquals(Double.POSITIVE_INFINITY, p);
        }
        assertArrayEquals(new double[] {1, 1, 1}, ImageMetrics.cosinePerImage(x, x), 1e-12);
    }

    @Test
    void mseIsTheElementMeanPerImage() {
        // Image 0: every difference 0.5 → 0.25. Image 1: two of four values off by 1 → 0.5.
        Tensor x = Images.of(new float[8], 2, 1, 2, 2);
        Tensor y = Images.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 1, 1, 0, 0}, 2, 1, 2, 2);
        assertArrayEquals(new double[] {0.25, 0.5}, ImageMetrics.msePerImage(x, y), 1e-12);
        // Channels are averaged: one channel of two off by 1 everywhere → 0.5.
        Tensor x2 = Images.of(new float[8], 1, 2, 2, 2);
        Tensor y2 = Images.of(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, 1, 2, 2, 2);
        assertArrayEquals(new double[] {0.5}, ImageMetrics.msePerImage(x2, y2), 1e-12);
    }

    @Test
    void psnrOfAConstantOffsetIsMinusTwentyLogOfTheOffset() {
        // x̂ = x + 0.1 everywhere: MSE 0.01, PSNR 20 dB. (Offsets of 0.1 keep [0,0.9] inside [0,1].)
        Tensor x = Images.random(2, 2, 3, 6, 5).mul(0.9f);
        double[] psnr = ImageMetrics.psnrPerImage(x, x.add(0.1f));
        assertEquals(20, psnr[0], 1e-4);
        assertEquals(20, psnr[1], 1e-4);
        assertEquals(10 * Math.log10(16), ImageMetrics.psnrFromMse(0.0625), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnrFromMse(-1));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnrFromMse(Double.NaN));
    }

    @Test
    void cosineOfHandMadeImages() {
        Tensor x = Images.of(new float[] {1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0}, 3, 1, 2, 2);
        Tensor y = Images.of(new float[] {1, 1, 0, 0, 0, 0, 1, 1, 0.5f, 0, 0, 0}, 3, 1, 2, 2);
        // [1,0,0,0]·[1,1,0,0] = 1/√2; disjoint supports → 0; an all-zero original → 0 (not NaN).
        assertArrayEquals(new double[] {1 / Math.sqrt(2), 0, 0}, ImageMetrics.cosinePerImage(x, y), 1e-12);
        // Scale does not matter.
        Tensor z = Images.random(3, 2, 3, 4, 4);
        assertArrayEquals(new double[] {1, 1}, ImageMetrics.cosinePerImage(z, z.mul(0.25f)), 1e-6);
    }

    @Test
    void mismatchedOrMalformedShapesAreRejectedWithTheShapes() {
        Tensor a = Images.random(4, 2, 1, 8, 8);
        Tensor b = Images.random(5, 2, 1, 8, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageMetrics.msePerImage(a, b));
        assertTrue(e.getMessage().contains("[2, 1, 8, 8]") && e.getMessage().contains("[2, 1, 8, 9]"), e.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> ImageMetrics.psnrPerImage(Images.random(6, 2, 8, 8), Images.random(6, 2, 8, 8)));
        assertTrue(rank.getMessage().contains("[N, C, H, W]"), rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.cosinePerImage(a, null));
    }
}
