package org.siftfunnel.engine.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;

class PooledDvTest {
    @Test
    void oneBatchIsTheDonskerVaradhanFormula() {
        PooledDv dv = new PooledDv();
        dv.add(new float[] {1, 2, 3}, new float[] {0, (float) Math.log(2)});
        assertEquals(2 - Math.log(1.5), dv.value(), 1e-6);
        Tensor joint = Tensor.of(Backends.reference(), new float[] {1, 2, 3}, 3);
        Tensor marginal = Tensor.of(Backends.reference(), new float[] {0, (float) Math.log(2)}, 2);
        assertEquals(Losses.donskerVaradhan(joint, marginal).item(), dv.value(), 1e-6);
    }

    @Test
    void batchesArePooledNotAveraged() {
        PooledDv pooled = new PooledDv();
        pooled.add(new float[] {1, 2}, new float[] {0.5f, -1});
        pooled.add(new float[] {3}, new float[] {2});
        PooledDv whole = new PooledDv();
        whole.add(new float[] {1, 2, 3}, new float[] {0.5f, -1, 2});
        assertEquals(whole.value(), pooled.value(), 1e-12);
        assertEquals(2.0, pooled.meanJoint(), 1e-12);
    }

    @Test
    void moreMarginalThanJointScoresAreAllowed() {
        PooledDv dv = new PooledDv();
        dv.addJoint(new float[] {1, 1});
        dv.addMarginal(new float[] {0, 0});
        dv.addMarginal(new float[] {0, 0, 0, 0});
        assertEquals(1.0, dv.value(), 1e-12);
    }

    @Test
    void largeScoresDoNotOverflow() {
        PooledDv dv = new PooledDv();
        dv.add(new float[] {1000, 1000}, new float[] {1000, 999});
        dv.add(new float[] {1000}, new float[] {998});
        double logMeanExp = 1000 + Math.log((1 + Math.exp(-1) + Math.exp(-2)) / 3);
        assertEquals(1000 - logMeanExp, dv.value(), 1e-9);
    }

    @Test
    void needsScores() {
        assertThrows(IllegalStateException.class, () -> new PooledDv().value());
        assertThrows(IllegalArgumentException.class, () -> new PooledDv().add(new float[0], new float[] {1}));
    }
}
