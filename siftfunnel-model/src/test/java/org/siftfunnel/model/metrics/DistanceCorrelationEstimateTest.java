package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class DistanceCorrelationEstimateTest {

    private static Tensor normal(long seed, int... shape) {
        return Tensor.randn(Backends.reference(), new RandomSource(seed), 0f, 1f, shape);
    }

    @Test
    void aSetNoLargerThanTheBatchIsOneBatchOfTheLossesDcor() {
        Tensor x = normal(51, 20, 1, 3, 3);
        Tensor z = normal(52, 20, 4).add(x.reshape(20, 9).slice(1, 0, 4));
        DistanceCorrelationEstimate e = DistanceCorrelationEstimate.estimate(x, z, 256, 1);
        double direct;
        try (GradMode.Scope _ = GradMode.noGrad()) {
            direct = Losses.distanceCorrelation(x, z, false).item();
        }
        assertEquals(direct, e.mean(), 0);
        assertEquals(0, e.std(), 0);
        assertEquals(1, e.batches());
        assertEquals(20, e.batchSize());
        assertEquals(20, e.samplesUsed());
    }

    @Test
    void largerSetsUseWholeShuffledBatchesAndDropTheRemainder() {
        Tensor x = normal(53, 50, 6);
        // A similarity transform of x: dCor is exactly 1 on every batch.
        Tensor z = x.mul(3f).add(1f);
        DistanceCorrelationEstimate e = DistanceCorrelationEstimate.estimate(x, z, 16, 7);
        assertEquals(3, e.batches());
        assertEquals(16, e.batchSize());
        assertEquals(48, e.samplesUsed());
        assertEquals(1, e.mean(), 1e-4);
        assertEquals(0, e.std(), 1e-4);
    }

    @Test
    void theSeedFixesTheShuffle() {
        Tensor x = normal(54, 60, 5);
        Tensor z = normal(55, 60, 5).mul(0.5f).add(x.square());
        DistanceCorrelationEstimate a = DistanceCorrelationEstimate.estimate(x, z, 20, 3);
        DistanceCorrelationEstimate b = DistanceCorrelationEstimate.estimate(x, z, 20, 3);
        DistanceCorrelationEstimate c = DistanceCorrelationEstimate.estimate(x, z, 20, 4);
        assertEquals(a, b);
        assertNotEquals(a.mean(), c.mean());
    }

    @Test
    void dependenceRaisesTheEstimate() {
        Tensor x = normal(56, 128, 4);
        Tensor independent = normal(57, 128, 4);
        Tensor dependent = x.add(independent.mul(0.1f));
        double low = DistanceCorrelationEstimate.estimate(x, independent, 64, 1).mean();
        double high = DistanceCorrelationEstimate.estimate(x, dependent, 64, 1).mean();
        assertTrue(high > 0.95 && low < 0.5, "dependent " + high + ", independent " + low);
    }

    @Test
    void rejectsMismatchedSetsAndTinyBatches() {
        Tensor x = normal(58, 10, 3);
        assertThrows(IllegalArgumentException.class,
                () -> DistanceCorrelationEstimate.estimate(x, normal(59, 11, 3), 4, 1));
        assertThrows(IllegalArgumentException.class, () -> DistanceCorrelationEstimate.estimate(x, x, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> DistanceCorrelationEstimate.estimate(x.slice(0, 0, 1), x.slice(0, 0, 1), 4, 1));
    }
}
