package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.tensor.Tensor;

class PaperCompatibleMetricsTest {

    @Test
    void mseSumsChannelsAndDividesByImagesAndPixels() {
        Tensor x = Images.random(31, 5, 3, 6, 7);
        Tensor y = Images.random(32, 5, 3, 6, 7);
        float[] a = x.toArray();
        float[] b = y.toArray();
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += ((double) b[i] - a[i]) * ((double) b[i] - a[i]);
        }
        assertEquals(sum / (5 * 6 * 7), PaperCompatibleMetrics.mse(x, y), 1e-12);
        // For RGB that is three times the element-wise MSE.
        assertEquals(3 * Summary.of(ImageMetrics.msePerImage(x, y)).mean(), PaperCompatibleMetrics.mse(x, y), 1e-12);
    }

    @Test
    void psnrIsTakenPerBatchOfTheBatchMse() {
        // Three one-pixel images with squared errors 0.01, 0.03 and 0.04; batches of 2: {0.01, 0.03}, {0.04}.
        Tensor x = Images.of(new float[3], 3, 1, 1, 1);
        Tensor y = Images.of(new float[] {0.1f, (float) Math.sqrt(0.03), 0.2f}, 3, 1, 1, 1);
        double[] psnr = PaperCompatibleMetrics.psnrPerBatch(x, y, 2);
        assertArrayEquals(new double[] {20 * Math.log10(1 / Math.sqrt(0.02)), 20 * Math.log10(1 / Math.sqrt(0.04))}, psnr,
                1e-5);
        // Not the mean of the per-image PSNRs (a log of a mean is not a mean of logs).
        double[] perImage = ImageMetrics.psnrPerImage(x, y);
        assertEquals((perImage[0] + perImage[1]) / 2 - psnr[0], 10 * Math.log10(0.02 / Math.sqrt(0.0003)), 1e-5);
        double[] identical = PaperCompatibleMetrics.psnrPerBatch(x, x, 2);
        assertEquals(Double.POSITIVE_INFINITY, identical[0]);
        assertThrows(IllegalArgumentException.class, () -> PaperCompatibleMetrics.psnrPerBatch(x, y, 0));
    }

    @Test
    void ssimIsTheBatchVolumePerBatchAndSkipsBatchesTooShortForTheWindow() {
        Tensor x = Images.random(33, 17, 1, 8, 8);
        Tensor y = Images.random(34, 17, 1, 8, 8).mul(0.5f).add(x.mul(0.5f));
        // Batches of 8: images 0-7, 8-15 and a last batch of one image that has no SSIM.
        double[] ssim = PaperCompatibleMetrics.ssimPerBatch(x, y, 8);
        assertEquals(2, ssim.length);
        assertEquals(Ssim.batchVolume(x.slice(0, 0, 8), y.slice(0, 0, 8)), ssim[0], 1e-12);
        assertEquals(Ssim.batchVolume(x.slice(0, 8, 16), y.slice(0, 8, 16)), ssim[1], 1e-12);
        // Batches of 7: 0-6 and 7-13 are scored, 14-16 (three images) is not.
        assertEquals(2, PaperCompatibleMetrics.ssimPerBatch(x, y, 7).length);
        assertEquals(0, PaperCompatibleMetrics.ssimPerBatch(x.slice(0, 0, 6), y.slice(0, 0, 6), 6).length);
    }
}
