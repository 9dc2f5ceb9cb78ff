package org.siftfunnel.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.optim.ReduceLROnPlateau.Mode;
import org.siftfunnel.engine.optim.ReduceLROnPlateau.ThresholdMode;
import org.siftfunnel.engine.tensor.Tensor;

/** Learning-rate sequences of the schedulers for known epoch counts and metric sequences. */
class SchedulersTest {
    private static Optimizer optimizer(float lr) {
        return new SGD(List.of(Tensor.zeros(Backends.reference(), 1).requiresGrad(true)), lr);
    }

    private static void assertLr(double expected, Optimizer opt, String when) {
        assertEquals(expected, opt.lr(), 1e-6 * expected + 1e-12, when);
    }

    @Test
    void stepLrDecaysEveryStepSizeEpochs() {
        Optimizer opt = optimizer(1f);
        StepLR schedule = new StepLR(opt, 3, 0.1f);
        double[] expected = {1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001};
        for (int epoch = 1; epoch <= expected.length; epoch++) {
            schedule.step();
            assertLr(expected[epoch - 1], opt, "after epoch " + epoch);
        }
        assertEquals(expected.length, schedule.lastEpoch());
    }

    @Test
    void plateauWithPatienceTwoReducesOnTheThirdBadEpoch() {
        Optimizer opt = optimizer(1f);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Settings.of(Mode.MIN).withPatience(2));
        // Epoch 2 sets the best (0.9). 0.89995 is within the 1e-4 relative threshold, so epochs
        // 3, 4 and 5 are all bad and the third of them exceeds the patience.
        double[] losses = {1.0, 0.9, 0.95, 0.92, 0.89995, 0.8, 0.85};
        double[] lrAfter = {1, 1, 1, 1, 0.1, 0.1, 0.1};
        for (int e = 0; e < losses.length; e++) {
            boolean reduced = plateau.step(losses[e]);
            assertEquals(e == 4, reduced, "reduction reported at epoch " + (e + 1));
            assertLr(lrAfter[e], opt, "after epoch " + (e + 1));
        }
        assertEquals(0.8, plateau.best());
        assertEquals(1, plateau.numBadEpochs());
    }

    @Test
    void plateauAbsoluteThresholdAndMaxMode() {
        Optimizer opt = optimizer(0.5f);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Settings.of(Mode.MAX).withPatience(1)
                .withFactor(0.5f).withThreshold(0.01, ThresholdMode.ABS));
        double[] accuracy = {0.50, 0.505, 0.52, 0.525, 0.528};
        // 0.505 is not 0.01 above 0.50 (bad 1); 0.52 is (best); 0.525, 0.528 are bad 1, 2 → reduce.
        double[] lrAfter = {0.5, 0.5, 0.5, 0.5, 0.25};
        for (int e = 0; e < accuracy.length; e++) {
            plateau.step(accuracy[e]);
            assertLr(lrAfter[e], opt, "after epoch " + (e + 1));
        }
    }

    @Test
    void plateauCooldownIgnoresBadEpochs() {
        Optimizer opt = optimizer(1f);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Settings.of(Mode.MIN).withPatience(0)
                .withCooldown(1).withFactor(0.5f));
        double[] losses = {5, 6, 7, 8, 9};
        double[] lrAfter = {1, 0.5, 0.5, 0.25, 0.25};
        for (int e = 0; e < losses.length; e++) {
            plateau.step(losses[e]);
            assertLr(lrAfter[e], opt, "after epoch " + (e + 1));
        }
    }

    @Test
    void plateauStopsAtMinLrAndTreatsNaNAsBad() {
        Optimizer opt = optimizer(1f);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Settings.of(Mode.MIN).withPatience(0)
                .withMinLr(0.05f));
        assertFalse(plateau.step(1.0));
        assertTrue(plateau.step(Double.NaN));
        assertLr(0.1, opt, "first reduction");
        assertTrue(plateau.step(2.0));
        assertLr(0.05, opt, "clamped to minLr");
        assertFalse(plateau.step(3.0), "no reduction below minLr");
        assertLr(0.05, opt, "stays at minLr");
    }

    @Test
    void plateauStateRoundTrip() {
        Optimizer a = optimizer(1f);
        ReduceLROnPlateau first = new ReduceLROnPlateau(a, ReduceLROnPlateau.Settings.of(Mode.MIN).withPatience(2));
        first.step(1.0);
        first.step(1.1);
        first.step(1.2);
        Optimizer b = optimizer(1f);
        ReduceLROnPlateau second = new ReduceLROnPlateau(b, ReduceLROnPlateau.Settings.of(Mode.MIN).withPatience(2));
        second.loadState(first.state());
        assertTrue(second.step(1.3), "two bad epochs were restored, the third exceeds the patience");
        assertEquals(4, second.lastEpoch());
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        Optimizer opt = optimizer(0.8f);
        StepLR after = new StepLR(opt, 2, 0.5f);
        Warmup warmup = new Warmup(opt, 0.25f, 4, after);
        assertLr(0.2, opt, "at creation");
        double[] lrAfter = {0.35, 0.5, 0.65, 0.8, 0.8, 0.4, 0.4, 0.2};
        for (int s = 0; s < lrAfter.length; s++) {
            warmup.step();
            assertLr(lrAfter[s], opt, "after step " + (s + 1));
        }
        assertTrue(warmup.isDone());
        assertEquals(4, after.lastEpoch());
    }

    @Test
    void warmupStateRoundTrip() {
        Optimizer a = optimizer(1f);
        Warmup first = new Warmup(a, 0.5f, 4, new StepLR(a, 1, 0.5f));
        for (int s = 0; s < 5; s++) {
            first.step();
        }
        Optimizer b = optimizer(1f);
        Warmup second = new Warmup(b, 0.5f, 4, new StepLR(b, 1, 0.5f));
        second.loadState(first.state());
        b.setLr(a.lr()); // the optimiser's own state carries the rate
        first.step();
        second.step();
        assertEquals(a.lr(), b.lr());
        assertEquals(0.25, a.lr(), 1e-7);
    }

    @Test
    void warmupRestoredMidwaySetsTheRampRate() {
        Optimizer a = optimizer(1f);
        Warmup first = new Warmup(a, 0.2f, 4);
        first.step();
        first.step();
        Optimizer b = optimizer(1f);
        Warmup second = new Warmup(b, 0.2f, 4);
        second.loadState(first.state());
        assertLr(0.6, b, "restored after 2 of 4 warm-up steps");
        second.step();
        assertLr(0.8, b, "continues the ramp");
    }

    @Test
    void schedulersRefuseBadSettings() {
        Optimizer opt = optimizer(1f);
        assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 0, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new Warmup(opt, 0f, 3));
        assertThrows(IllegalArgumentException.class, () -> new Warmup(opt, 0.5f, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(opt, ReduceLROnPlateau.Settings.of(Mode.MIN).withFactor(1f)));
        assertTrue(e.getMessage().contains("factor must be in (0, 1)"), e.getMessage());
    }
}
