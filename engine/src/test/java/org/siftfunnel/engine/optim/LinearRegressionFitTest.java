package org.siftfunnel.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** End to end: Adam, a step schedule, the MSE loss and autograd recover y = 3x − 1. */
class LinearRegressionFitTest {
    @Test
    void adamFitsALine() {
        Backend be = Backends.reference();
        Tensor x = Tensor.rand(be, new RandomSource(42), -1f, 1f, 64, 1);
        Tensor y = x.mul(3f).sub(1f);
        Tensor w = Tensor.zeros(be, 1, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(be, 1).requiresGrad(true);
        Adam adam = new Adam(List.of(w, b), 0.1f);
        StepLR schedule = new StepLR(adam, 150, 0.3f);
        for (int step = 0; step < 600; step++) {
            adam.zeroGrad();
            Tensor loss = Losses.checkFinite("mse", Losses.mse(x.linear(w, b), y), step);
            loss.backward();
            adam.step();
            schedule.step();
        }
        assertEquals(3.0, w.item(), 1e-3, "slope");
        assertEquals(-1.0, b.item(), 1e-3, "intercept");
    }
}
