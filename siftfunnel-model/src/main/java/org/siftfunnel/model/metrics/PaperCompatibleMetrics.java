package org.siftfunnel.model.metrics;

import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The released SiftFunnel code's metric conventions (spec §6, "paper-compatible"), kept so that
 * results can be set beside the paper's numbers. They are not the standard definitions
 * ({@link ImageMetrics}, {@link Ssim#perImage}); every report labels them as such.
 * <ul>
 *   <li>MSE = Σ over the data set of Σ(x̂ − x)² / (N·H·W): channels are summed, not averaged,
 *       so for RGB it is 3× the element-wise MSE;</li>
 *   <li>PSNR = 20·log10(1/sqrt(MSE of the batch)) per batch, with the batch MSE the element-wise
 *       mean ({@code F.mse_loss}), then averaged over batches;</li>
 *   <li>SSIM = skimage on each whole batch [B, C, H, W] with {@code channel_axis=1}
 *       ({@link Ssim#batchVolume}), averaged over batches.</li>
 * </ul>
 * Batches are consecutive runs of {@code batchSize} images in the given order, the last one
 * possibly shorter, as an unshuffled PyTorch DataLoader yields them.
 */
public final class PaperCompatibleMetrics {
    private PaperCompatibleMetrics() {
    }

    /** Σ over the data set of Σ(x̂ − x)² / (N·H·W). */
    public static double mse(Tensor original, Tensor reconstruction) {
        return Summary.of(channelSummedMsePerImage(original, reconstruction)).mean();
    }

    /**
     * Per image, Σ(x̂ − x)² / (H·W), i.e. C × the element-wise MSE. Its mean over the data set is
     * {@link #mse}; its spread gives that number a standard deviation.
     */
    public static double[] channelSummedMsePerImage(Tensor original, Tensor reconstruction) {
        ImageStack[] p = ImageStack.pair("paper_mse", original, reconstruction);
        return channelSummedMsePerImage(p[0], p[1]);
    }

    static double[] channelSummedMsePerImage(ImageStack x, ImageStack y) {
        double[] mse = ImageMetrics.msePerImage(x, y);
        for (int i = 0; i < mse.length; i++) {
            mse[i] *= x.channels();
        }
        return mse;
    }

    /** 20·log10(1/sqrt(batch MSE)) for each consecutive batch; +Infinity for a batch reconstructed exactly. */
    public static double[] psnrPerBatch(Tensor original, Tensor reconstruction, int batchSize) {
        ImageStack[] p = ImageStack.pair("paper_psnr", original, reconstruction);
        return psnrPerBatch(p[0], p[1], batchSize);
    }

    static double[] psnrPerBatch(ImageStack x, ImageStack y, int batchSize) {
        requireBatchSize("paper_psnr", batchSize);
        double[] mse = ImageMetrics.msePerImage(x, y);
        int batches = (x.count() + batchSize - 1) / batchSize;
        double[] out = new double[batches];
        for (int b = 0; b < batches; b++) {
            int from = b * batchSize;
            int to = Math.min(x.count(), from + batchSize);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += mse[i];
            }
            // Every image has C·H·W values, so the batch's element mean is the mean of the image means.
            double batchMse = sum / (to - from);
            out[b] = batchMse == 0 ? Double.POSITIVE_INFINITY : 20 * Math.log10(1 / Math.sqrt(batchMse));
        }
        return out;
    }

    /**
     * {@link Ssim#batchVolume} of each consecutive batch. A batch of fewer than 7 images (the
     * window's depth) cannot be scored: skimage raises there, and here such a batch — only ever
     * the last, shorter one — is left out, so the result may have fewer entries than batches.
     *
     * @return one SSIM per batch of at least 7 images; empty when there is none
     */
    public static double[] ssimPerBatch(Tensor original, Tensor reconstruction, int batchSize) {
        ImageStack[] p = ImageStack.pair("paper_ssim", original, reconstruction);
        return ssimPerBatch(p[0], p[1], batchSize);
    }

    static double[] ssimPerBatch(ImageStack x, ImageStack y, int batchSize) {
        requireBatchSize("paper_ssim", batchSize);
        int depth = SsimSettings.scikitDefaults().windowSize();
        List<Double> values = new ArrayList<>();
        for (int from = 0; from < x.count(); from += batchSize) {
            int to = Math.min(x.count(), from + batchSize);
            if (to - from >= depth) {
                values.add(Ssim.batchVolume(x, y, from, to));
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void requireBatchSize(String op, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(op + ": batch size must be at least 1, got " + batchSize);
        }
    }
}
