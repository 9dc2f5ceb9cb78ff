package org.siftfunnel.model.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Structural similarity exactly as scikit-image 0.19's {@code structural_similarity} computes
 * it: local means, variances and covariance from a separable window filter applied to the
 * whole array (scipy 'reflect' borders), the SSIM map from them, and the mean of the map after
 * cropping {@code (windowSize − 1)/2} values from both ends of every axis. With
 * {@code channel_axis} set, skimage computes this per channel and averages.
 */
public final class Ssim {
    private Ssim() {
    }

    /**
     * SSIM per image [N]: each channel is an H×W image, and an image's SSIM is the mean over its
     * channels (skimage with {@code channel_axis} on one image). Symmetric in its arguments.
     *
     * @throws IllegalArgumentException for shapes that differ, or H or W below the window size
     */
    public static double[] perImage(Tensor original, Tensor reconstruction, SsimSettings settings) {
        ImageStack[] p = ImageStack.pair("ssim", original, reconstruction);
        return perImage(p[0], p[1], settings);
    }

    static double[] perImage(ImageStack x, ImageStack y, SsimSettings settings) {
        int[] dims = {x.height(), x.width()};
        requireWindowFits("ssim", dims, settings, "image H×W");
        double[] out = new double[x.count()];
        // Images are independent, so they are scored in parallel; each result lands in its own slot.
        IntStream.range(0, x.count()).parallel().forEach(i -> {
            double sum = 0;
            for (int c = 0; c < x.channels(); c++) {
                sum += meanSsim(x.plane(i, c), y.plane(i, c), dims, settings);
            }
            out[i] = sum / x.channels();
        });
        return out;
    }

    /**
     * The released SiftFunnel code's SSIM (paper-compatible, not a per-image SSIM):
     * {@code structural_similarity(x, y, channel_axis=1, data_range=1)} on the whole batch
     * [N, C, H, W] with skimage's defaults otherwise. Each channel is then an N×H×W volume
     * filtered by a 7×7×7 window, so neighbouring images in the batch mix and the value depends
     * on the batch's order and size.
     *
     * @throws IllegalArgumentException for shapes that differ, fewer than 7 images, or H or W below 7
     */
    public static double batchVolume(Tensor original, Tensor reconstruction) {
        ImageStack[] p = ImageStack.pair("ssim_batch_volume", original, reconstruction);
        return batchVolume(p[0], p[1], 0, p[0].count());
    }

    /** {@link #batchVolume(Tensor, Tensor)} on images {@code from..to−1} of two host stacks. */
    static double batchVolume(ImageStack x, ImageStack y, int from, int to) {
        SsimSettings settings = SsimSettings.scikitDefaults();
        int[] dims = {to - from, x.height(), x.width()};
        if (dims[0] < settings.windowSize()) {
            throw new IllegalArgumentException("ssim_batch_volume: the " + settings.windowSize() + "-wide window spans the"
                    + " batch axis, so a batch needs at least " + settings.windowSize() + " images; got " + dims[0]
                    + " (shape " + Arrays.toString(new int[] {dims[0], x.channels(), x.height(), x.width()}) + ")");
        }
        requireWindowFits("ssim_batch_volume", dims, settings, "batch volume N×H×W");
        double sum = 0;
        for (int c = 0; c < x.channels(); c++) {
            sum += meanSsim(x.channelVolume(c, from, to), y.channelVolume(c, from, to), dims, settings);
        }
        return sum / x.channels();
    }

    private static void requireWindowFits(String op, int[] dims, SsimSettings settings, String what) {
        for (int d : dims) {
            if (d < settings.windowSize()) {
                throw new IllegalArgumentException(op + ": the " + settings.windowSize() + "-wide window exceeds the "
                        + what + " " + Arrays.toString(dims) + "; every axis needs at least " + settings.windowSize());
            }
        }
    }

    /**
     * Mean SSIM of two arrays of row-major shape {@code dims} (one channel, an H×W image or an
     * N×H×W volume), skimage's single-channel computation.
     */
    static double meanSsim(double[] a, double[] b, int[] dims, SsimSettings settings) {
        if (dims.length != 2 && dims.length != 3) {
            throw new IllegalArgumentException("ssim: only 2-D images and 3-D volumes are supported, got dims "
                    + Arrays.toString(dims));
        }
        SeparableFilter filter = settings.filter();
        int n = a.length;
        double[] aa = new double[n];
        double[] bb = new double[n];
        double[] ab = new double[n];
        for (int i = 0; i < n; i++) {
            aa[i] = a[i] * a[i];
            bb[i] = b[i] * b[i];
            ab[i] = a[i] * b[i];
        }
        double[] ua = filter.apply(a, dims);
        double[] ub = filter.apply(b, dims);
        double[] uaa = filter.apply(aa, dims);
        double[] ubb = filter.apply(bb, dims);
        double[] uab = filter.apply(ab, dims);
        // The filter averages over the window (divides by P); the sample covariance divides by P − 1.
        double windowValues = Math.pow(settings.windowSize(), dims.length);
        double covNorm = settings.sampleCovariance() ? windowValues / (windowValues - 1) : 1.0;
        double c1 = Math.pow(settings.k1() * settings.dataRange(), 2);
        double c2 = Math.pow(settings.k2() * settings.dataRange(), 2);
        // The mean of the SSIM map over the values at least pad away from every border. A 2-D
        // image is walked as a volume of depth 1 with nothing to crop along the depth.
        int pad = settings.pad();
        int depth = dims.length == 3 ? dims[0] : 1;
        int depthPad = dims.length == 3 ? pad : 0;
        int rows = dims[dims.length - 2];
        int cols = dims[dims.length - 1];
        double sum = 0;
        long counted = 0;
        for (int d = depthPad; d < depth - depthPad; d++) {
            for (int r = pad; r < rows - pad; r++) {
                int row = (d * rows + r) * cols;
                for (int c = pad; c < cols - pad; c++) {
                    int i = row + c;
                    double va = covNorm * (uaa[i] - ua[i] * ua[i]);
                    double vb = covNorm * (ubb[i] - ub[i] * ub[i]);
                    double vab = covNorm * (uab[i] - ua[i] * ub[i]);
                    double num = (2 * ua[i] * ub[i] + c1) * (2 * vab + c2);
                    double den = (ua[i] * ua[i] + ub[i] * ub[i] + c1) * (va + vb + c2);
                    sum += num / den;
                    counted++;
                }
            }
        }
        return sum / counted;
    }
}
