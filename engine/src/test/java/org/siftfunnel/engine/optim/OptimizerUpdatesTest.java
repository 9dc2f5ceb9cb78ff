package org.siftfunnel.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A few steps of each optimiser on the quadratic {@code f(θ) = ½ Σ c_i (θ_i − t_i)²}, against
 * PyTorch's update rules written out here in double precision, independently of the engine's
 * OptimizerMath. The learning rate changes half-way to check that {@code setLr} takes effect.
 */
class OptimizerUpdatesTest {
    private static final Backend BE = Backends.reference();
    private static final double[] START = {0.5, -1.2, 2.0, 0.3, -0.7};
    private static final double[] CURVATURE = {1.0, 2.5, 0.4, 3.0, 1.7};
    private static final double[] TARGET = {-1.0, 0.8, 1.0, -0.6, 0.9};
    private static final int STEPS = 8;
    private static final double LR_FIRST = 0.05;
    private static final double LR_LATER = 0.02;

    // ================================================================ references (PyTorch's rules)

    private static double lrAt(int step) {
        return step <= STEPS / 2 ? LR_FIRST : LR_LATER;
    }

    private static double[] gradient(double[] p) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = CURVATURE[i] * (p[i] - TARGET[i]);
        }
        return g;
    }

    private static double[] referenceSgd(double momentum, double dampening, double weightDecay, boolean nesterov) {
        double[] p = START.clone();
        double[] buf = new double[p.length];
        for (int t = 1; t <= STEPS; t++) {
            double[] g = gradient(p);
            for (int i = 0; i < p.length; i++) {
                double d = g[i] + weightDecay * p[i];
                if (momentum != 0) {
                    buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] -= lrAt(t) * d;
            }
        }
        return p;
    }

    /**
     * Adam/AdamW as torch.optim implements them. With AMSGrad the running maximum is taken over
     * the raw second moment v and divided by the current bias correction (PyTorch's code; its
     * docs' pseudo-code writes the maximum over the bias-corrected v̂ instead).
     */
    private static double[] referenceAdam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                                          boolean amsgrad) {
        double[] p = START.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        double[] vMax = new double[p.length];
        for (int t = 1; t <= STEPS; t++) {
            double lr = lrAt(t);
            double[] g = gradient(p);
            for (int i = 0; i < p.length; i++) {
                double grad = g[i];
                if (decoupled) {
                    p[i] *= 1 - lr * weightDecay;
                } else {
                    grad += weightDecay * p[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * grad;
                v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
                vMax[i] = Math.max(vMax[i], v[i]);
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = (amsgrad ? vMax[i] : v[i]) / (1 - Math.pow(beta2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return p;
    }

    // ================================================================ engine runs

    /** Runs the engine optimiser on the quadratic; a second parameter without gradient must be skipped. */
    private static float[] run(Function<List<Tensor>, Optimizer> make) {
        float[] start = new float[START.length];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) START[i];
        }
        Tensor theta = Tensor.of(BE, start, START.length).requiresGrad(true);
        Tensor unused = Tensor.of(BE, new float[] {4f, 5f}, 2).requiresGrad(true);
        Tensor c = Tensor.of(BE, toFloats(CURVATURE), CURVATURE.length);
        Tensor t = Tensor.of(BE, toFloats(TARGET), TARGET.length);
        Optimizer opt = make.apply(List.of(theta, unused));
        for (int step = 1; step <= STEPS; step++) {
            opt.setLr((float) lrAt(step));
            opt.zeroGrad();
            theta.sub(t).square().mul(c).sum().mul(0.5f).backward();
            opt.step();
        }
        assertEquals(STEPS, opt.stepCount());
        assertNull(unused.grad());
        assertEquals(4f, unused.get(0));
        assertEquals(5f, unused.get(1));
        assertTrue(opt.state().keySet().stream().noneMatch(k -> k.startsWith("param.1.")),
                "a parameter that never had a gradient must have no state: " + opt.state().keySet());
        return theta.toArray();
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertTrajectory(String name, double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-6 * (1 + Math.abs(expected[i])), name + ": θ[" + i + "] after " + STEPS + " steps");
        }
        // The run must actually have moved: a no-op optimiser cannot pass.
        assertTrue(Math.abs(expected[0] - START[0]) > 1e-2, name + ": reference did not move");
    }

    // ================================================================ SGD

    @Test
    void sgdPlain() {
        assertTrajectory("sgd", referenceSgd(0, 0, 0, false), run(ps -> new SGD(ps, 0.05f)));
    }

    @Test
    void sgdMomentumWithDampening() {
        assertTrajectory("sgd momentum", referenceSgd(0.9, 0.3, 0, false),
                run(ps -> new SGD(ps, SGD.Settings.of(0.05f).withMomentum(0.9f).withDampening(0.3f))));
    }

    @Test
    void sgdNesterovWithWeightDecay() {
        assertTrajectory("sgd nesterov", referenceSgd(0.8, 0, 0.1, true),
                run(ps -> new SGD(ps, SGD.Settings.of(0.05f).withMomentum(0.8f).withNesterov(true).withWeightDecay(0.1f))));
    }

    // ================================================================ Adam, AdamW

    @Test
    void adamDefaults() {
        assertTrajectory("adam", referenceAdam(0.9, 0.999, 1e-8, 0, false, false), run(ps -> new Adam(ps, 0.05f)));
    }

    @Test
    void adamL2WeightDecay() {
        assertTrajectory("adam wd", referenceAdam(0.8, 0.99, 1e-6, 0.2, false, false),
                run(ps -> new Adam(ps, Adam.Settings.of(0.05f).withBetas(0.8f, 0.99f).withEps(1e-6f).withWeightDecay(0.2f))));
    }

    @Test
    void adamAmsgrad() {
        // β2 = 0.5 lets v shrink as the gradient does, so the running maximum matters.
        double[] expected = referenceAdam(0.9, 0.5, 1e-8, 0, false, true);
        assertTrajectory("adam amsgrad", expected,
                run(ps -> new Adam(ps, Adam.Settings.of(0.05f).withBetas(0.9f, 0.5f).withAmsgrad(true))));
        double[] without = referenceAdam(0.9, 0.5, 1e-8, 0, false, false);
        assertFalse(Math.abs(expected[0] - without[0]) < 1e-4, "the AMSGrad case must differ from plain Adam");
    }

    @Test
    void adamWDecoupledWeightDecay() {
        double[] expected = referenceAdam(0.9, 0.999, 1e-8, 0.3, true, false);
        assertTrajectory("adamw", expected, run(ps -> new AdamW(ps, Adam.Settings.of(0.05f).withWeightDecay(0.3f))));
        double[] coupled = referenceAdam(0.9, 0.999, 1e-8, 0.3, false, false);
        assertFalse(Math.abs(expected[0] - coupled[0]) < 1e-4, "decoupled decay must differ from the L2 variant");
    }

    @Test
    void adamWDefaultWeightDecayAndAmsgrad() {
        assertTrajectory("adamw default", referenceAdam(0.9, 0.999, 1e-8, 0.01, true, false), run(ps -> new AdamW(ps, 0.05f)));
        assertTrajectory("adamw amsgrad", referenceAdam(0.9, 0.5, 1e-8, 0.1, true, true),
                run(ps -> new AdamW(ps, Adam.Settings.of(0.05f).withBetas(0.9f, 0.5f).withWeightDecay(0.1f).withAmsgrad(true))));
    }

    @Test
    void perParameterStepCountsDriveBiasCorrection() {
        // A parameter that first gets a gradient on step 3 starts its own bias correction at t = 1,
        // so its first Adam move is lr·sign(g) (m̂ = g, v̂ = g²), whatever the optimiser's step count.
        Tensor a = Tensor.of(BE, new float[] {1f}, 1).requiresGrad(true);
        Tensor late = Tensor.of(BE, new float[] {2f}, 1).requiresGrad(true);
        Adam adam = new Adam(List.of(a, late), Adam.Settings.of(0.1f).withEps(0f));
        for (int step = 1; step <= 3; step++) {
            adam.zeroGrad();
            Tensor loss = step < 3 ? a.square().sum() : a.square().sum().add(late.mul(3f).sum());
            loss.backward();
            adam.step();
        }
        assertEquals(2f - 0.1f, late.item(), 1e-6);
        assertEquals(1.0, adam.state().get("param.1.step").item());
        assertEquals(3.0, adam.state().get("param.0.step").item());
    }
}
