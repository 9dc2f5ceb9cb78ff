package org.siftfunnel.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Checkpoint round trips continue identically; bad states and settings are refused clearly. */
class OptimizerStateTest {
    private static final Backend BE = Backends.reference();

    /** Two parameters fitted to a fixed random linear map; returns the loss for the current values. */
    private static void lossStep(Optimizer opt, Tensor w, Tensor b, int step) {
        Tensor x = Tensor.rand(BE, new RandomSource(100 + step), -1f, 1f, 6, 3);
        Tensor y = Tensor.rand(BE, new RandomSource(200 + step), -1f, 1f, 6, 2);
        opt.zeroGrad();
        x.linear(w, b).sub(y).square().mean().backward();
        opt.step();
    }

    private static Tensor[] freshParams(float[] wValues, float[] bValues) {
        return new Tensor[] {Tensor.of(BE, wValues, 2, 3).requiresGrad(true), Tensor.of(BE, bValues, 2).requiresGrad(true)};
    }

    private static void assertIdenticalContinuation(String name, Function<List<Tensor>, Optimizer> make) {
        Tensor[] p = freshParams(Tensor.rand(BE, new RandomSource(1), -1f, 1f, 6).toArray(), new float[] {0.1f, -0.2f});
        Optimizer original = make.apply(List.of(p));
        for (int s = 0; s < 3; s++) {
            lossStep(original, p[0], p[1], s);
        }
        Map<String, Tensor> saved = original.state();
        float[] savedW = p[0].toArray();
        float[] savedB = p[1].toArray();
        Map<String, float[]> savedValues = new HashMap<>();
        saved.forEach((k, v) -> savedValues.put(k, v.toArray()));
        assertTrue(saved.size() > 4, name + ": expected per-parameter state, got " + saved.keySet());

        for (int s = 3; s < 6; s++) {
            lossStep(original, p[0], p[1], s);
        }
        saved.forEach((k, v) -> assertArrayEquals(savedValues.get(k), v.toArray(), name + ": exported '" + k
                + "' changed when the optimiser continued; it must be a snapshot"));

        Tensor[] q = freshParams(savedW, savedB);
        Optimizer restored = make.apply(List.of(q));
        restored.loadState(saved);
        assertEquals(3, restored.stepCount());
        for (int s = 3; s < 6; s++) {
            lossStep(restored, q[0], q[1], s);
        }
        assertArrayEquals(p[0].toArray(), q[0].toArray(), name + ": weights after resuming");
        assertArrayEquals(p[1].toArray(), q[1].toArray(), name + ": bias after resuming");
        assertEquals(original.lr(), restored.lr());
    }

    @Test
    void roundTripsContinueIdentically() {
        assertIdenticalContinuation("sgd", ps -> new SGD(ps, SGD.Settings.of(0.1f).withMomentum(0.9f).withNesterov(true)));
        assertIdenticalContinuation("adam amsgrad", ps -> new Adam(ps, Adam.Settings.of(0.01f).withAmsgrad(true)));
        assertIdenticalContinuation("adamw", ps -> new AdamW(ps, 0.01f));
    }

    @Test
    void stateNamesItsEntries() {
        Tensor[] p = freshParams(new float[6], new float[2]);
        Adam adam = new Adam(List.of(p), Adam.Settings.of(0.01f).withAmsgrad(true));
        lossStep(adam, p[0], p[1], 0);
        Map<String, Tensor> s = adam.state();
        assertEquals(List.of("lr", "step", "param.0.step", "param.0.exp_avg", "param.0.exp_avg_sq", "param.0.max_exp_avg_sq",
                "param.1.step", "param.1.exp_avg", "param.1.exp_avg_sq", "param.1.max_exp_avg_sq"), List.copyOf(s.keySet()));
        assertArrayEquals(new int[] {2, 3}, s.get("param.0.exp_avg").shape());
    }

    private static void assertRefused(Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void loadStateRefusesMismatches() {
        Tensor[] p = freshParams(new float[6], new float[2]);
        Adam adam = new Adam(List.of(p), 0.01f);
        lossStep(adam, p[0], p[1], 0);
        Map<String, Tensor> good = adam.state();

        Map<String, Tensor> wrongShape = new HashMap<>(good);
        wrongShape.put("param.0.exp_avg", Tensor.zeros(BE, 3, 2));
        assertRefused(() -> adam.loadState(wrongShape), "has shape [3, 2] but parameter 0 is [2, 3]");

        Map<String, Tensor> extraParam = new HashMap<>(good);
        extraParam.put("param.2.exp_avg", Tensor.zeros(BE, 2));
        assertRefused(() -> adam.loadState(extraParam), "unexpected state entry 'param.2.exp_avg'");

        Map<String, Tensor> amsgradState = new HashMap<>(good);
        amsgradState.put("param.1.max_exp_avg_sq", Tensor.zeros(BE, 2));
        assertRefused(() -> adam.loadState(amsgradState), "max_exp_avg_sq");

        Map<String, Tensor> noLr = new HashMap<>(good);
        noLr.remove("lr");
        assertRefused(() -> adam.loadState(noLr), "no 'lr' entry");

        Map<String, Tensor> noStep = new HashMap<>(good);
        noStep.remove("param.1.step");
        assertRefused(() -> adam.loadState(noStep), "param.1.step");

        Map<String, Tensor> fractional = new HashMap<>(good);
        fractional.put("step", Tensor.of(BE, new float[] {1.5f}, 1));
        assertRefused(() -> adam.loadState(fractional), "whole count");

        // A refused state leaves the optimiser as it was.
        assertEquals(1, adam.stepCount());
        assertArrayEquals(good.get("param.0.exp_avg").toArray(), adam.state().get("param.0.exp_avg").toArray());
    }

    @Test
    void constructorsRefuseBadSettings() {
        Tensor w = Tensor.zeros(BE, 2).requiresGrad(true);
        assertRefused(() -> new SGD(List.of(), 0.1f), "empty");
        assertRefused(() -> new SGD(List.of(w, w), 0.1f), "more than once");
        assertRefused(() -> new SGD(List.of(w.mul(2f)), 0.1f), "not a leaf");
        assertRefused(() -> new SGD(List.of(w), -0.1f), "learning rate");
        assertRefused(() -> new SGD(List.of(w), SGD.Settings.of(0.1f).withNesterov(true)), "Nesterov");
        assertRefused(() -> new SGD(List.of(w), SGD.Settings.of(0.1f).withMomentum(0.9f).withDampening(0.1f).withNesterov(true)),
                "zero dampening");
        assertRefused(() -> new Adam(List.of(w), Adam.Settings.of(0.1f).withBetas(1f, 0.999f)), "beta1 must be in [0, 1)");
        assertRefused(() -> new AdamW(List.of(w), Adam.Settings.of(0.1f).withWeightDecay(-1f)), "AdamW: weightDecay");
        assertRefused(() -> new Adam(List.of(w), 0.1f).setLr(Float.NaN), "learning rate");
    }

    @Test
    void zeroGradClearsGradients() {
        Tensor w = Tensor.ones(BE, 2).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), 0.5f);
        w.square().sum().backward();
        sgd.step();
        assertArrayEquals(new float[] {0f, 0f}, w.toArray()); // 1 − 0.5·2
        sgd.zeroGrad();
        assertEquals(null, w.grad());
    }
}
