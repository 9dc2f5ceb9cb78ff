package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * SSIM and PSNR against scikit-image 0.19.3 ({@code golden/ssim.safetensors}): per image with
 * the defaults and with the Gaussian window, and the released code's batch-volume SSIM.
 */
class SsimGoldenTest {
    /**
     * The issue asks for 1e-4. The golden values are float32, so a faithful computation is off
     * by their rounding only (about 1e-7 on SSIM, 2e-6 on PSNR near 16 dB); this tighter bound
     * also tells apart conventions whose effect is smaller than 1e-4 (e.g. dividing a 121-value
     * Gaussian window's covariance by 120 instead of 121).
     */
    private static final double RELATIVE_TOLERANCE = 1e-6;

    private static SafeTensors.Contents golden;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        URL url = SsimGoldenTest.class.getResource("/golden/ssim.safetensors");
        if (url == null) {
            throw new IOException("golden/ssim.safetensors is missing from the test resources");
        }
        golden = SafeTensors.read(Path.of(url.toURI()));
    }

    private static Tensor tensor(String name) {
        return stored(name).toTensor();
    }

    private static StoredTensor stored(String name) {
        StoredTensor t = golden.tensors().get(name);
        if (t == null) {
            throw new IllegalStateException("golden/ssim.safetensors has no tensor " + name);
        }
        return t;
    }

    private static void assertMatches(String name, double[] got) {
        float[] expected = stored(name).toFloats();
        assertEquals(expected.length, got.length, name + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], RELATIVE_TOLERANCE * (1 + Math.abs(expected[i])), name + "[" + i + "]");
        }
    }

    @Test
    void graySsimPerImageMatchesScikitImageDefaults() {
        assertMatches("gray.ssim_per_image", Ssim.perImage(tensor("gray.x"), tensor("gray.y"), SsimSettings.scikitDefaults()));
    }

    @Test
    void graySsimWithGaussianWindowMatchesScikitImage() {
        assertMatches("gray.ssim_gaussian_per_image",
                Ssim.perImage(tensor("gray.x"), tensor("gray.y"), SsimSettings.gaussian()));
    }

    @Test
    void grayPsnrPerImageMatchesScikitImage() {
        assertMatches("gray.psnr_per_image", ImageMetrics.psnrPerImage(tensor("gray.x"), tensor("gray.y")));
    }

    @Test
    void rgbSsimPerImageAveragesChannelsLikeScikitImage() {
        assertMatches("rgb.ssim_per_image", Ssim.perImage(tensor("rgb.x"), tensor("rgb.y"), SsimSettings.scikitDefaults()));
    }

    @Test
    void rgbPsnrPerImageMatchesScikitImage() {
        assertMatches("rgb.psnr_per_image", ImageMetrics.psnrPerImage(tensor("rgb.x"), tensor("rgb.y")));
    }

    @Test
    void rgbBatchVolumeSsimMatchesTheReleasedCodesCall() {
        assertMatches("rgb.ssim_batch_volume", new double[] {Ssim.batchVolume(tensor("rgb.x"), tensor("rgb.y"))});
    }

    @Test
    void goldenMetricsAreSymmetricInOriginalAndReconstruction() {
        Tensor x = tensor("rgb.x");
        Tensor y = tensor("rgb.y");
        double[] xy = Ssim.perImage(x, y, SsimSettings.scikitDefaults());
        double[] yx = Ssim.perImage(y, x, SsimSettings.scikitDefaults());
        for (int i = 0; i < xy.length; i++) {
            assertEquals(xy[i], yx[i], 1e-12);
        }
        assertEquals(Ssim.batchVolume(x, y), Ssim.batchVolume(y, x), 1e-12);
    }

    @Test
    void goldenCasesAreNotTrivial() {
        // The check above would be weak if x and y were nearly equal or unrelated: the values
        // must spread over a useful range.
        float[] ssim = stored("rgb.ssim_per_image").toFloats();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : ssim) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(max < 0.99 && max - min > 0.01, "golden SSIM spread " + min + " .. " + max);
    }
}
