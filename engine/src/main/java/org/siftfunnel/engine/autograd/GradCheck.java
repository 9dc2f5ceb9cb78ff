package org.siftfunnel.engine.autograd;

import java.util.function.Function;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Checks backward rules against central finite differences. The function's output is
 * reduced to a scalar with fixed random weights, {@code L = Σ w ⊙ f(x)}, so every output
 * element is exercised; then for each input element {@code (L(x+h) − L(x−h)) / 2h} is
 * compared with the analytic gradient. Inputs are perturbed in place and restored.
 *
 * <p>Float32 arithmetic limits the accuracy of the numerical derivative; {@code h = 1e-2}
 * with double accumulation of L is a good compromise for smooth functions. Functions with
 * kinks (relu, max) need inputs away from the kink.
 */
public final class GradCheck {
    private GradCheck() {
    }

    private static double weighted(Tensor y, float[] w) {
        float[] v = y.toArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += (double) v[i] * w[i];
        }
        return s;
    }

    /**
     * Convenience assertion: fails with a descriptive message unless every element satisfies
     * {@code |analytic − numeric| ≤ atol + rtol·|numeric|}.
     */
    public static void assertGradients(String name, Function<Tensor[], Tensor> f, double h, double atol, double rtol, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.requiresGrad(true);
            t.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        Tensor weights = Tensor.rand(out.backend(), new RandomSource(12345), -1f, 1f, out.shape());
        float[] w = weights.toArray();
        out.mul(weights).sum().backward();
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (int k = 0; k < inputs.length; k++) {
                Tensor in = inputs[k];
                float[] base = in.toArray();
                float[] analytic = in.grad() == null ? new float[base.length] : in.grad().toArray();
                for (int i = 0; i < base.length; i++) {
                    float[] p = base.clone();
                    p[i] = (float) (base[i] + h);
                    in.copyFrom(p);
                    double plus = weighted(f.apply(inputs), w);
                    p[i] = (float) (base[i] - h);
                    in.copyFrom(p);
                    double minus = weighted(f.apply(inputs), w);
                    in.copyFrom(base);
                    double numeric = (plus - minus) / (2 * h);
                    if (!(Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric))) {
                        throw new AssertionError(String.format(
                                "%s: gradient mismatch at input %d element %d: analytic %.7g, numeric %.7g (atol %.1g, rtol %.1g)",
                                name, k, i, analytic[i], numeric, atol, rtol));
                    }
                }
            }
        }
    }
}
