package org.siftfunnel.model.metrics;

/**
 * The parameters of scikit-image's {@code structural_similarity} (0.19) that this project uses.
 *
 * @param gaussianWindow   true: Gaussian weights of width {@code sigma}, truncated at
 *                         {@code truncate·sigma} (skimage's {@code gaussian_weights=True});
 *                         false: a uniform {@code windowSize}-wide box
 * @param windowSize       the window width along every axis (odd); for a Gaussian window it must
 *                         be the width scipy derives from sigma and truncate
 * @param sigma            the Gaussian's standard deviation (ignored for a uniform window)
 * @param truncate         where the Gaussian is cut, in sigmas (ignored for a uniform window)
 * @param k1               the luminance constant, C1 = (k1·dataRange)²
 * @param k2               the contrast constant, C2 = (k2·dataRange)²
 * @param dataRange        the span of possible pixel values (1 for images in [0, 1])
 * @param sampleCovariance true: (co)variances divided by P − 1 for a window of P values
 *                         (skimage's default); false: by P (Wang et al. 2004)
 */
public record SsimSettings(boolean gaussianWindow, int windowSize, double sigma, double truncate, double k1, double k2,
        double dataRange, boolean sampleCovariance) {

    public SsimSettings {
        if (windowSize < 1 || windowSize % 2 == 0) {
            throw new IllegalArgumentException("ssim: window size must be odd and positive, got " + windowSize);
        }
        if (gaussianWindow && windowSize != 2 * SeparableFilter.gaussianRadius(sigma, truncate) + 1) {
            throw new IllegalArgumentException("ssim: a Gaussian window with sigma " + sigma + " and truncate " + truncate
                    + " is " + (2 * SeparableFilter.gaussianRadius(sigma, truncate) + 1) + " wide, not " + windowSize);
        }
        if (!(k1 > 0) || !(k2 > 0) || !(dataRange > 0)) {
            throw new IllegalArgumentException("ssim: k1, k2 and the data range must be positive, got k1 " + k1 + ", k2 "
                    + k2 + ", data range " + dataRange);
        }
    }

    /**
     * skimage's defaults with {@code data_range=1}: a 7×7 uniform window, sample covariance,
     * K1 0.01, K2 0.03. This is the primary SSIM of the project.
     */
    public static SsimSettings scikitDefaults() {
        return new SsimSettings(false, 7, 1.5, 3.5, 0.01, 0.03, 1.0, true);
    }

    /**
     * Wang et al. 2004 as skimage reproduces it: {@code gaussian_weights=True}, sigma 1.5,
     * truncate 3.5 (an 11-tap window), population covariance, data range 1.
     */
    public static SsimSettings gaussian() {
        return new SsimSettings(true, 11, 1.5, 3.5, 0.01, 0.03, 1.0, false);
    }

    /** Pixels cropped from each border before averaging the SSIM map: (windowSize − 1)/2. */
    public int pad() {
        return (windowSize - 1) / 2;
    }

    SeparableFilter filter() {
        return gaussianWindow ? SeparableFilter.gaussian(sigma, truncate) : SeparableFilter.uniform(windowSize);
    }
}
