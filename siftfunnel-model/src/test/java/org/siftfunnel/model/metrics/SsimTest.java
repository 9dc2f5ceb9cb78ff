package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.tensor.Tensor;

/** Hand-checked SSIM cases, and a brute-force window-by-window SSIM to compare with. */
class SsimTest {
    private static final double C1 = 1e-4;
    private static final double C2 = 9e-4;

    @Test
    void identicalImagesHaveSsimOne() {
        Tensor x = Images.random(11, 7, 2, 12, 12);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1},
                Ssim.perImage(x, x, SsimSettings.scikitDefaults()), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1}, Ssim.perImage(x, x, SsimSettings.gaussian()), 1e-12);
        assertEquals(1, Ssim.batchVolume(x, x), 1e-12);
    }

    @Test
    void constantImagesReduceToTheLuminanceTerm() {
        // No variance anywhere: SSIM = (2ab + C1)/(a² + b² + C1) for constants a and b.
        double a = 0.5;
        double b = 0.25;
        double expected = (2 * a * b + C1) / (a * a + b * b + C1);
        Tensor x = Images.constant((float) a, 7, 1, 11, 11);
        Tensor y = Images.constant((float) b, 7, 1, 11, 11);
        assertEquals(expected, Ssim.perImage(x, y, SsimSettings.scikitDefaults())[0], 1e-12);
        assertEquals(expected, Ssim.perImage(x, y, SsimSettings.gaussian())[0], 1e-12);
        assertEquals(expected, Ssim.batchVolume(x, y), 1e-12);
    }

    @Test
    void brightnessShiftLeavesOnlyTheLuminanceTermOfEachWindow() {
        // x̂ = x + δ: the windows' variances and covariance are equal, so each window scores
        // (2μ(μ+δ) + C1)/(μ² + (μ+δ)² + C1), μ being the window's mean of x.
        float delta = 0.125f;
        int h = 9;
        int w = 10;
        // Pixels on a 1/256 grid, so that x + δ is exact in float32 and has exactly x's variances.
        float[] grid = Images.random(12, 1, 1, h, w).toArray();
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) Math.floor(grid[i] * 200) / 256;
        }
        Tensor x = Images.of(grid, 1, 1, h, w);
        double[] px = toDouble(grid);
        double sum = 0;
        int count = 0;
        for (int r = 3; r < h - 3; r++) {
            for (int c = 3; c < w - 3; c++) {
                double mu = 0;
                for (int i = -3; i <= 3; i++) {
                    for (int j = -3; j <= 3; j++) {
                        mu += px[(r + i) * w + c + j];
                    }
                }
                mu /= 49;
                double nu = mu + delta;
                sum += (2 * mu * nu + C1) / (mu * mu + nu * nu + C1);
                count++;
            }
        }
        assertEquals(sum / count, Ssim.perImage(x, x.add(delta), SsimSettings.scikitDefaults())[0], 1e-9);
    }

    @Test
    void perImageSsimEqualsAWindowByWindowComputationWithSampleCovariance() {
        int h = 10;
        int w = 13;
        Tensor x = Images.random(13, 2, 3, h, w);
        Tensor y = Images.random(14, 2, 3, h, w).mul(0.5f).add(x.mul(0.5f));
        double[] got = Ssim.perImage(x, y, SsimSettings.scikitDefaults());
        double[] xv = toDouble(x.toArray());
        double[] yv = toDouble(y.toArray());
        for (int n = 0; n < 2; n++) {
            double channels = 0;
            for (int ch = 0; ch < 3; ch++) {
                int off = (n * 3 + ch) * h * w;
                channels += directSsim(xv, yv, off, new int[] {1, h, w}, 7);
            }
            assertEquals(channels / 3, got[n], 1e-10, "image " + n);
        }
    }

    @Test
    void batchVolumeEqualsAWindowByWindowComputationOverTheBatchAxis() {
        int n = 8;
        int h = 9;
        int w = 8;
        Tensor x = Images.random(15, n, 2, h, w);
        Tensor y = Images.random(16, n, 2, h, w).mul(0.3f).add(x.mul(0.7f));
        double[] xv = toDouble(x.toArray());
        double[] yv = toDouble(y.toArray());
        double channels = 0;
        for (int ch = 0; ch < 2; ch++) {
            channels += directSsim(channelVolume(xv, ch, n, 2, h * w), channelVolume(yv, ch, n, 2, h * w), 0,
                    new int[] {n, h, w}, 7);
        }
        assertEquals(channels / 2, Ssim.batchVolume(x, y), 1e-10);
        // It is not the per-image SSIM: neighbouring images mix in the volume's windows.
        double perImage = 0;
        for (double v : Ssim.perImage(x, y, SsimSettings.scikitDefaults())) {
            perImage += v / n;
        }
        assertTrue(Math.abs(perImage - Ssim.batchVolume(x, y)) > 1e-3);
    }

    @Test
    void batchVolumeNeedsSevenImages() {
        Tensor x = Images.random(17, 6, 1, 8, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ssim.batchVolume(x, x));
        assertTrue(e.getMessage().contains("at least 7 images") && e.getMessage().contains("got 6"), e.getMessage());
        Tensor seven = Images.random(18, 7, 1, 8, 8);
        assertEquals(1, Ssim.batchVolume(seven, seven), 1e-12);
    }

    @Test
    void imagesSmallerThanTheWindowAndMismatchedShapesAreRejected() {
        Tensor small = Images.random(19, 2, 1, 6, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ssim.perImage(small, small, SsimSettings.scikitDefaults()));
        assertTrue(e.getMessage().contains("7-wide window"), e.getMessage());
        Tensor ten = Images.random(20, 2, 1, 10, 10);
        assertThrows(IllegalArgumentException.class, () -> Ssim.perImage(ten, ten, SsimSettings.gaussian()));
        Tensor other = Images.random(21, 2, 1, 10, 11);
        assertThrows(IllegalArgumentException.class, () -> Ssim.perImage(ten, other, SsimSettings.scikitDefaults()));
        assertThrows(IllegalArgumentException.class, () -> Ssim.batchVolume(Images.random(22, 8, 1, 10, 10),
                Images.random(23, 8, 2, 10, 10)));
    }

    @Test
    void settingsRejectInconsistentWindows() {
        assertThrows(IllegalArgumentException.class, () -> new SsimSettings(false, 6, 1.5, 3.5, 0.01, 0.03, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new SsimSettings(true, 7, 1.5, 3.5, 0.01, 0.03, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new SsimSettings(false, 7, 1.5, 3.5, 0.01, 0.03, 0, true));
        assertEquals(3, SsimSettings.scikitDefaults().pad());
        assertEquals(5, SsimSettings.gaussian().pad());
    }

    /**
     * Mean SSIM over the windows that fit inside a [d0, d1, d2] array (d0 = 1 for an image):
     * each window's mean, sample variances and covariance (divided by P − 1) computed directly.
     */
    private static double directSsim(double[] a, double[] b, int offset, int[] dims, int win) {
        int r = win / 2;
        int depth = dims[0] == 1 ? 0 : r;
        double sum = 0;
        int windows = 0;
        for (int i0 = depth; i0 < dims[0] - depth; i0++) {
            for (int i1 = r; i1 < dims[1] - r; i1++) {
                for (int i2 = r; i2 < dims[2] - r; i2++) {
                    double sa = 0;
                    double sb = 0;
                    int p = 0;
                    for (int k0 = -depth; k0 <= depth; k0++) {
                        for (int k1 = -r; k1 <= r; k1++) {
                            for (int k2 = -r; k2 <= r; k2++) {
                                int idx = offset + ((i0 + k0) * dims[1] + i1 + k1) * dims[2] + i2 + k2;
                                sa += a[idx];
                                sb += b[idx];
                                p++;
                            }
                        }
                    }
                    double ma = sa / p;
                    double mb = sb / p;
                    double vaa = 0;
                    double vbb = 0;
                    double vab = 0;
                    for (int k0 = -depth; k0 <= depth; k0++) {
                        for (int k1 = -r; k1 <= r; k1++) {
                            for (int k2 = -r; k2 <= r; k2++) {
                                int idx = offset + ((i0 + k0) * dims[1] + i1 + k1) * dims[2] + i2 + k2;
                                vaa += (a[idx] - ma) * (a[idx] - ma);
                                vbb += (b[idx] - mb) * (b[idx] - mb);
                                vab += (a[idx] - ma) * (b[idx] - mb);
                            }
                        }
                    }
                    vaa /= p - 1;
                    vbb /= p - 1;
                    vab /= p - 1;
                    sum += (2 * ma * mb + C1) * (2 * vab + C2) / ((ma * ma + mb * mb + C1) * (vaa + vbb + C2));
                    windows++;
                }
            }
        }
        return sum / windows;
    }

    private static double[] channelVolume(double[] v, int ch, int n, int channels, int plane) {
        double[] out = new double[n * plane];
        for (int i = 0; i < n; i++) {
            System.arraycopy(v, (i * channels + ch) * plane, out, i * plane, plane);
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
