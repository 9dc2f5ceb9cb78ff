package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Parameter initialisation as PyTorch's defaults, drawn from a {@link RandomSource} so that a
 * model built from the same seed gets the same weights on every backend. The numbers differ
 * from PyTorch's (a different generator); the distributions are the same.
 *
 * <p>Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a weight of shape
 * {@code [d0, d1, k...]}, fan-in is {@code d1·Πk} and fan-out is {@code d0·Πk}. (For a
 * transposed convolution's {@code [Cin, Cout, k, k]} weight that makes fan-in
 * {@code Cout·k·k}, exactly as PyTorch does.)
 */
public final class Init {
    private Init() {
    }

    /** Fan-in of a weight shape (at least rank 2). */
    public static int fanIn(int... shape) {
        checkRank("fanIn", shape);
        return shape[1] * receptiveField(shape);
    }

    /** Fan-out of a weight shape (at least rank 2). */
    public static int fanOut(int... shape) {
        checkRank("fanOut", shape);
        return shape[0] * receptiveField(shape);
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void checkRank(String op, int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException(op + ": needs a weight shape of rank ≥ 2, got " + java.util.Arrays.toString(shape));
        }
    }

    /** Values uniform in [−bound, bound) on the default backend. */
    public static Tensor uniform(RandomSource rng, double bound, int... shape) {
        return uniform(Backends.getDefault(), rng, bound, shape);
    }

    public static Tensor uniform(Backend backend, RandomSource rng, double bound, int... shape) {
        if (!(bound >= 0)) {
            throw new IllegalArgumentException("uniform: bound must be ≥ 0, got " + bound);
        }
        return Tensor.rand(backend, rng, (float) -bound, (float) bound, shape);
    }

    /**
     * Kaiming (He) uniform for a leaky-ReLU gain with negative slope {@code a}, fan-in mode:
     * bound = gain·√(3 / fan_in) with gain = √(2 / (1 + a²)).
     */
    public static Tensor kaimingUniform(RandomSource rng, double a, int... shape) {
        int fan = fanIn(shape);
        double gain = Math.sqrt(2.0 / (1.0 + a * a));
        return uniform(rng, fan == 0 ? 0 : gain * Math.sqrt(3.0 / fan), shape);
    }

    /**
     * PyTorch's default weight for Conv and Linear layers: kaiming uniform with a = √5, which
     * is uniform in ±1/√fan_in.
     */
    public static Tensor defaultWeight(RandomSource rng, int... shape) {
        return kaimingUniform(rng, Math.sqrt(5.0), shape);
    }

    /** PyTorch's default bias for Conv and Linear layers: uniform in ±1/√fan_in (0 when fan_in is 0). */
    public static Tensor defaultBias(RandomSource rng, int fanIn, int size) {
        return uniform(rng, fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0, size);
    }

    /** Xavier (Glorot) uniform: bound = gain·√(6 / (fan_in + fan_out)), fans from the shape. */
    public static Tensor xavierUniform(RandomSource rng, double gain, int... shape) {
        return uniform(rng, gain * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))), shape);
    }

    public static Tensor zeros(int... shape) {
        return Tensor.zeros(Backends.getDefault(), shape);
    }

    public static Tensor ones(int... shape) {
        return Tensor.ones(Backends.getDefault(), shape);
    }
}
