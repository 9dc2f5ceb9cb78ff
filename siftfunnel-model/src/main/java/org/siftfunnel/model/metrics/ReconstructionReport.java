package org.siftfunnel.model.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Every reconstruction metric for one pair of data sets (originals x and reconstructions x̂,
 * [N, C, H, W] in [0, 1]): the standard per-image metrics summarised over images, and the
 * released code's paper-compatible numbers ({@link PaperCompatibleMetrics}).
 *
 * @param mse           element-wise MSE per image
 * @param psnr          PSNR per image, peak 1 (+∞ for an exact reconstruction)
 * @param ssim          SSIM per image, skimage defaults ({@link SsimSettings#scikitDefaults()})
 * @param ssimGaussian  SSIM per image, Gaussian window ({@link SsimSettings#gaussian()})
 * @param cosine        cosine similarity per image
 * @param paperMse      channel-summed MSE per image; its mean is the paper's MSE
 * @param paperPsnr     the paper's PSNR per batch
 * @param paperSsim     the paper's batch-volume SSIM per batch of at least 7 images; null when
 *                      no batch is that large
 * @param paperBatchSize the batch size of the paper-compatible numbers
 */
public record ReconstructionReport(Summary mse, Summary psnr, Summary ssim, Summary ssimGaussian, Summary cosine,
        Summary paperMse, Summary paperPsnr, Summary paperSsim, int paperBatchSize) {

    /**
     * Computes every metric.
     *
     * @param paperBatchSize batch size for the paper's per-batch PSNR and SSIM (the released
     *                       code's evaluation batch size)
     * @throws IllegalArgumentException for shapes that differ or images smaller than the SSIM
     *                                  windows (11×11 for the Gaussian one)
     */
    public static ReconstructionReport compute(Tensor original, Tensor reconstruction, int paperBatchSize) {
        ImageStack[] p = ImageStack.pair("reconstruction_report", original, reconstruction);
        ImageStack x = p[0];
        ImageStack y = p[1];
        double[] paperSsim = PaperCompatibleMetrics.ssimPerBatch(x, y, paperBatchSize);
        return new ReconstructionReport(
                Summary.of(ImageMetrics.msePerImage(x, y)),
                Summary.of(ImageMetrics.psnrPerImage(x, y)),
                Summary.of(Ssim.perImage(x, y, SsimSettings.scikitDefaults())),
                Summary.of(Ssim.perImage(x, y, SsimSettings.gaussian())),
                Summary.of(ImageMetrics.cosinePerImage(x, y)),
                Summary.of(PaperCompatibleMetrics.channelSummedMsePerImage(x, y)),
                Summary.of(PaperCompatibleMetrics.psnrPerBatch(x, y, paperBatchSize)),
                paperSsim.length == 0 ? null : Summary.of(paperSsim),
                paperBatchSize);
    }

    /** How many image pairs were compared. */
    public int images() {
        return mse.count();
    }

    /**
     * The numbers for results.json: {@code mse, psnr, ssim, ssim_gaussian, cosine, paper_mse,
     * paper_psnr, paper_ssim}, each with {@code _std} (population standard deviation over
     * images, or over batches for paper_psnr and paper_ssim), plus {@code images},
     * {@code psnr_infinite} and {@code paper_psnr_infinite} (exact reconstructions, whose PSNR is
     * +∞), {@code paper_batch_size}, {@code paper_psnr_batches} and {@code paper_ssim_batches}.
     * JSON has no infinity: a non-finite mean or std is written as null, and the
     * {@code _infinite} counts say why.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images());
        put(m, "mse", mse);
        put(m, "psnr", psnr);
        m.put("psnr_infinite", psnr.infinite());
        put(m, "ssim", ssim);
        put(m, "ssim_gaussian", ssimGaussian);
        put(m, "cosine", cosine);
        put(m, "paper_mse", paperMse);
        put(m, "paper_psnr", paperPsnr);
        m.put("paper_psnr_infinite", paperPsnr.infinite());
        put(m, "paper_ssim", paperSsim);
        m.put("paper_batch_size", paperBatchSize);
        m.put("paper_psnr_batches", paperPsnr.count());
        m.put("paper_ssim_batches", paperSsim == null ? 0 : paperSsim.count());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Summary s) {
        m.put(key, s == null ? null : finiteOrNull(s.mean()));
        m.put(key + "_std", s == null ? null : finiteOrNull(s.std()));
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
