package org.siftfunnel.engine.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;

/** The moving average and the surrogate loss of the corrected estimator. */
class CorrectedGradientTest {
    @Test
    void movingAverageStartsAtTheFirstBatchThenMixesWithRateAlpha() {
        CorrectedMine.MovingAverage m = new CorrectedMine.MovingAverage(0.01);
        assertEquals(Math.log(3.0), m.update(Math.log(3.0)), 1e-12);
        assertEquals(Math.log(0.99 * 3 + 0.01 * 5), m.update(Math.log(5.0)), 1e-12);
        assertEquals(Math.log(0.99 * (0.99 * 3 + 0.01 * 5) + 0.01 * 0.5), m.update(Math.log(0.5)), 1e-12);
    }

    /** ∂L/∂T_joint,i = −1/B and ∂L/∂T_marg,i = e^{T_marg,i} / (B·m), whatever the batch's own mean. */
    @Test
    void surrogateGradientUsesTheMovingAverageAsDenominator() {
        float[] tj = {0.5f, 1.5f, -0.25f, 2f};
        float[] tm = {0.1f, -0.7f, 1.2f, 0.3f};
        double m = 3.5;
        Tensor joint = Tensor.of(Backends.reference(), tj.clone(), 4).requiresGrad(true);
        Tensor marginal = Tensor.of(Backends.reference(), tm.clone(), 4).requiresGrad(true);
        CorrectedMine.surrogateLoss(joint, marginal, Math.log(m)).backward();
        for (int i = 0; i < 4; i++) {
            assertEquals(-0.25, joint.grad().toArray()[i], 1e-7);
            assertEquals(Math.exp(tm[i]) / (4 * m), marginal.grad().toArray()[i], 1e-6);
        }
    }

    /**
     * When m is the batch's own mean exp(T_marg) (rate 1), the surrogate's gradient is exactly
     * the gradient of −DV; the moving average only changes the denominator.
     */
    @Test
    void withTheBatchMeanAsAverageTheSurrogateGradientIsTheDonskerVaradhanGradient() {
        float[] tj = {0.5f, 1.5f, -0.25f, 2f, 0f};
        float[] tm = {0.1f, -0.7f, 1.2f, 0.3f, 4f};
        Tensor j1 = Tensor.of(Backends.reference(), tj.clone(), 5).requiresGrad(true);
        Tensor m1 = Tensor.of(Backends.reference(), tm.clone(), 5).requiresGrad(true);
        Losses.donskerVaradhan(j1, m1).neg().backward();
        Tensor j2 = Tensor.of(Backends.reference(), tj.clone(), 5).requiresGrad(true);
        Tensor m2 = Tensor.of(Backends.reference(), tm.clone(), 5).requiresGrad(true);
        CorrectedMine.MovingAverage average = new CorrectedMine.MovingAverage(1.0);
        average.update(0.0); // an earlier batch, forgotten at rate 1
        double logM = average.update(PooledDv.logSumExp(tm) - Math.log(tm.length));
        CorrectedMine.surrogateLoss(j2, m2, logM).backward();
        assertArrayEquals(j1.grad().toArray(), j2.grad().toArray(), 1e-6f);
        assertArrayEquals(m1.grad().toArray(), m2.grad().toArray(), 1e-6f);
    }

    @Test
    void gradientClippingScalesTheJointNorm() {
        Tensor a = Tensor.zeros(Backends.reference(), 2).requiresGrad(true);
        Tensor b = Tensor.zeros(Backends.reference(), 1).requiresGrad(true);
        a.mul(Tensor.of(Backends.reference(), new float[] {3, 0}, 2)).sum().add(b.mul(4f).sum()).backward();
        CriticTraining.clipGradNorm(List.of(a, b), 1.0);
        assertEquals(0.6, a.grad().toArray()[0], 1e-5);
        assertEquals(0.8, b.grad().toArray()[0], 1e-5);
        CriticTraining.clipGradNorm(List.of(a, b), 10.0);
        assertEquals(0.6, a.grad().toArray()[0], 1e-5, "a norm under the limit is left alone");
    }
}
