package org.siftfunnel.engine.tensor;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.siftfunnel.engine.autograd.GradCheck;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;

/**
 * One finite-difference gradient check: a named function of some inputs and a way to make
 * those inputs. The tolerances are the float32 ones GradCheck recommends (h 1e-2, atol 2e-3,
 * rtol 2e-2); inputs of functions with kinks are generated away from the kinks by
 * {@link Inputs}.
 */
record GradCase(String name, Function<Tensor[], Tensor> fn, Supplier<Tensor[]> inputs) {
    static final double H = 1e-2;
    static final double ATOL = 2e-3;
    static final double RTOL = 2e-2;

    static GradCase of(String name, Function<Tensor[], Tensor> fn, Supplier<Tensor[]> inputs) {
        return new GradCase(name, fn, inputs);
    }

    void run() {
        Tensor[] in = inputs.get();
        GradCheck.assertGradients(name, fn, H, ATOL, RTOL, in);
    }

    /** The cases as named dynamic tests, so each is reported on its own. */
    static Stream<DynamicTest> tests(GradCase... cases) {
        return Arrays.stream(cases).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
    }

    /** Seeded input factories: awkward shapes are the caller's choice, values are chosen here. */
    static final class Inputs {
        static final Backend BACKEND = Backends.getDefault();
        private static final RandomSource RNG = new RandomSource(20240611);

        private Inputs() {
        }

        /** Uniform values in [lo, hi). */
        static Tensor uniform(float lo, float hi, int... shape) {
            return Tensor.rand(BACKEND, RNG, lo, hi, shape);
        }

        /** Uniform in [-1, 1). */
        static Tensor any(int... shape) {
            return uniform(-1f, 1f, shape);
        }

        /** Magnitudes in [min, max] with random signs: keeps relu, abs, sign... away from their kink at 0. */
        static Tensor awayFromZero(float min, float max, int... shape) {
            float[] mag = Tensor.rand(BACKEND, RNG, min, max, shape).toArray();
            float[] coin = Tensor.rand(BACKEND, RNG, 0f, 1f, shape).toArray();
            for (int i = 0; i < mag.length; i++) {
                if (coin[i] < 0.5f) {
                    mag[i] = -mag[i];
                }
            }
            return Tensor.of(BACKEND, mag, shape);
        }

        /**
         * Distinct multiples of 0.05 in random order: every max/min is unique and stays the
         * same under a ±1e-2 perturbation, so max-type gradients are well defined.
         */
        static Tensor distinct(int... shape) {
            int n = Shapes.numel(shape);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (i - n / 2) * 0.05f; // multiples of 0.05: the grid offGrid avoids
            }
            for (int i = n - 1; i > 0; i--) {
                int j = RNG.nextInt(i + 1);
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
            return Tensor.of(BACKEND, v, shape);
        }

        /**
         * Like {@link #distinct} but on the half-way points of its grid: any value of one is at
         * least 0.025 from any value of the other, so maximum/minimum of the two never tie, even
         * under broadcasting and a ±1e-2 perturbation.
         */
        static Tensor offGrid(int... shape) {
            return distinct(shape).add(0.025f).detach();
        }

        static Tensor[] all(Tensor... t) {
            return t;
        }
    }
}
