package org.siftfunnel.model.metrics;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The standard per-image reconstruction metrics on images [N, C, H, W] in [0, 1] (spec §10.3):
 * element-wise MSE, PSNR with peak 1 and cosine similarity, one value per image. SSIM is in
 * {@link Ssim}.
 */
public final class ImageMetrics {
    /**
     * PyTorch's {@code cosine_similarity} floor on each norm, so that an all-zero image has
     * similarity 0 instead of 0/0.
     */
    static final double COSINE_EPS = 1e-8;

    private ImageMetrics() {
    }

    /** Mean of (x̂ − x)² over C·H·W, per image [N]. */
    public static double[] msePerImage(Tensor original, Tensor reconstruction) {
        ImageStack[] p = ImageStack.pair("mse", original, reconstruction);
        return msePerImage(p[0], p[1]);
    }

    static double[] msePerImage(ImageStack x, ImageStack y) {
        int size = x.imageSize();
        double[] out = new double[x.count()];
        for (int i = 0; i < x.count(); i++) {
            int off = x.imageOffset(i);
            double sum = 0;
            for (int k = 0; k < size; k++) {
                double d = (double) y.values()[off + k] - x.values()[off + k];
                sum += d * d;
            }
            out[i] = sum / size;
        }
        return out;
    }

    /**
     * PSNR per image [N] with peak 1: 10·log10(1/MSE), as skimage's
     * {@code peak_signal_noise_ratio(data_range=1)}; an exact reconstruction (MSE 0) gives
     * {@code +Infinity}.
     */
    public static double[] psnrPerImage(Tensor original, Tensor reconstruction) {
        ImageStack[] p = ImageStack.pair("psnr", original, reconstruction);
        return psnrPerImage(p[0], p[1]);
    }

    static double[] psnrPerImage(ImageStack x, ImageStack y) {
        double[] mse = msePerImage(x, y);
        double[] out = new double[mse.length];
        for (int i = 0; i < mse.length; i++) {
            out[i] = psnrFromMse(mse[i]);
        }
        return out;
    }

    /** 10·log10(1/mse) for peak 1; {@code +Infinity} for mse 0. */
    public static double psnrFromMse(double mse) {
        if (!(mse >= 0)) {
            throw new IllegalArgumentException("psnr: the MSE must be a non-negative number, got " + mse);
        }
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    /**
     * Cosine similarity between the flattened reconstruction and original, per image [N]:
     * x̂·x / (max(‖x̂‖, 1e-8)·max(‖x‖, 1e-8)), PyTorch's {@code F.cosine_similarity} convention.
     */
    public static double[] cosinePerImage(Tensor original, Tensor reconstruction) {
        ImageStack[] p = ImageStack.pair("cosine", original, reconstruction);
        return cosinePerImage(p[0], p[1]);
    }

    static double[] cosinePerImage(ImageStack x, ImageStack y) {
        int size = x.imageSize();
        double[] out = new double[x.count()];
        for (int i = 0; i < x.count(); i++) {
            int off = x.imageOffset(i);
            double dot = 0;
            double xx = 0;
            double yy = 0;
            for (int k = 0; k < size; k++) {
                double a = x.values()[off + k];
                double b = y.values()[off + k];
                dot += a * b;
                xx += a * a;
                yy += b * b;
            }
            out[i] = dot / (Math.max(Math.sqrt(xx), COSINE_EPS) * Math.max(Math.sqrt(yy), COSINE_EPS));
        }
        return out;
    }
}
