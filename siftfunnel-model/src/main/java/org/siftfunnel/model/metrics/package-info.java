/**
 * Evaluation metrics and estimators, computed on the host in double precision (they need no
 * autograd).
 *
 * <p><b>Reconstructions</b> (originals x and reconstructions x̂, [N, C, H, W] in [0, 1]):
 * <ul>
 *   <li>the standard per-image metrics, the project's primary numbers (spec §10.3):
 *       {@link org.siftfunnel.model.metrics.ImageMetrics} (element-wise MSE, PSNR with peak 1,
 *       cosine similarity) and {@link org.siftfunnel.model.metrics.Ssim} (scikit-image 0.19's
 *       {@code structural_similarity}, with its defaults or the Gaussian window of
 *       {@link org.siftfunnel.model.metrics.SsimSettings});</li>
 *   <li>the released code's conventions, labelled "paper-compatible":
 *       {@link org.siftfunnel.model.metrics.PaperCompatibleMetrics};</li>
 *   <li>{@link org.siftfunnel.model.metrics.ReconstructionReport}, all of them summarised
 *       ({@link org.siftfunnel.model.metrics.Summary}) for results.json.</li>
 * </ul>
 *
 * <p><b>Features</b> z [N, ...]: {@link org.siftfunnel.model.metrics.DeltaZ} (the paper's
 * non-zero count), {@link org.siftfunnel.model.metrics.DistanceCorrelationEstimate} (dCor on
 * batches) and {@link org.siftfunnel.model.metrics.CovarianceSpectrum} (eigenvalues, effective
 * rank, components for a share of the variance), gathered by
 * {@link org.siftfunnel.model.metrics.FeatureReport}.
 */
package org.siftfunnel.model.metrics;
