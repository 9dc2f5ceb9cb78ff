package org.siftfunnel.model.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The statistics of transmitted features z for one data set: ΔZ, dCor(x, z) and z's covariance
 * spectrum.
 *
 * @param deltaZ   the non-zero count
 * @param dcor     dCor between the inputs and the features, on batches
 * @param spectrum the covariance spectrum of the features
 */
public record FeatureReport(DeltaZ deltaZ, DistanceCorrelationEstimate dcor, CovarianceSpectrum spectrum) {

    /**
     * Computes every statistic.
     *
     * @param inputs        x [N, ...]
     * @param features      z [N, ...], the edge's output for x
     * @param dcorBatchSize batch size of the dCor estimate ({@link DistanceCorrelationEstimate})
     * @param seed          seed of the dCor estimate's shuffle
     */
    public static FeatureReport compute(Tensor inputs, Tensor features, int dcorBatchSize, long seed) {
        return new FeatureReport(DeltaZ.of(features),
                DistanceCorrelationEstimate.estimate(inputs, features, dcorBatchSize, seed),
                CovarianceSpectrum.of(features));
    }

    /**
     * The numbers for results.json: {@code delta_z, feature_dim, delta_z_fraction, dcor_xz,
     * dcor_xz_std, dcor_batches, dcor_batch_size, effective_rank, components_90, components_99,
     * total_variance, samples}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", deltaZ.samples());
        m.put("delta_z", deltaZ.meanNonZero());
        m.put("feature_dim", deltaZ.dimension());
        m.put("delta_z_fraction", deltaZ.fraction());
        m.put("dcor_xz", dcor.mean());
        m.put("dcor_xz_std", dcor.std());
        m.put("dcor_batches", dcor.batches());
        m.put("dcor_batch_size", dcor.batchSize());
        m.put("effective_rank", spectrum.effectiveRank());
        m.put("components_90", spectrum.componentsFor(0.90));
        m.put("components_99", spectrum.componentsFor(0.99));
        m.put("total_variance", spectrum.totalVariance());
        return m;
    }
}
