package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class FeatureReportTest {

    @Test
    void gathersTheFeatureStatisticsUnderTheirJsonKeys() {
        Tensor x = Images.random(71, 40, 1, 4, 4);
        // ReLU features of a random projection: about half of them are zero.
        Tensor w = Tensor.randn(Backends.reference(), new RandomSource(72), 0f, 1f, 6, 16);
        Tensor z = x.reshape(40, 16).sub(0.5f).matmul(w.transpose(0, 1)).relu().reshape(40, 6, 1, 1);
        FeatureReport r = FeatureReport.compute(x, z, 16, 5);
        Map<String, Object> json = r.toJson();
        assertEquals(List.of("samples", "delta_z", "feature_dim", "delta_z_fraction", "dcor_xz", "dcor_xz_std",
                "dcor_batches", "dcor_batch_size", "effective_rank", "components_90", "components_99", "total_variance"),
                List.copyOf(json.keySet()));
        assertEquals(DeltaZ.of(z).meanNonZero(), (Double) json.get("delta_z"), 0);
        assertEquals(6, json.get("feature_dim"));
        assertEquals(DistanceCorrelationEstimate.estimate(x, z, 16, 5).mean(), (Double) json.get("dcor_xz"), 0);
        assertEquals(2, json.get("dcor_batches"));
        assertEquals(CovarianceSpectrum.of(z).effectiveRank(), (Double) json.get("effective_rank"), 0);
        Json.parse(Json.write(json));
    }
}
