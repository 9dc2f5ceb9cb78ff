package org.siftfunnel.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class BatchNormRecalibrationTest {
    @Test
    void runningStatisticsBecomeTheAverageOfBatchStatistics() {
        Backend be = Backends.reference();
        RandomSource rng = new RandomSource(3);
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5f, 0.01f, true);
        Module model = new Sequential(bn);
        model.eval();
        Tensor a = Tensor.randn(be, rng, 1f, 2f, 3, 2, 4, 4);
        Tensor b = Tensor.randn(be, rng, -3f, 0.5f, 3, 2, 4, 4);
        int used = BatchNormRecalibration.recalibrate(model, List.of(a, b, a).iterator(), 2);
        assertEquals(2, used);
        assertFalse(model.isTraining(), "mode restored");
        assertEquals(0.01f, bn.momentum(), "momentum restored");
        float[] mean = bn.runningMean().toArray();
        float[] var = bn.runningVar().toArray();
        for (int c = 0; c < 2; c++) {
            Tensor ca = a.slice(1, c, c + 1);
            Tensor cb = b.slice(1, c, c + 1);
            double expMean = (ca.mean().item() + cb.mean().item()) / 2;
            double expVar = (ca.var(new int[] {0, 1, 2, 3}, true, false).item() + cb.var(new int[] {0, 1, 2, 3}, true, false).item()) / 2;
            assertEquals(expMean, mean[c], 1e-5);
            assertEquals(expVar, var[c], 1e-4);
        }
    }
}
