package org.siftfunnel.model.metrics;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Small image batches for the metric tests. */
final class Images {
    private Images() {
    }

    /** Uniform random pixels in [0, 1). */
    static Tensor random(long seed, int... shape) {
        return Tensor.rand(Backends.reference(), new RandomSource(seed), 0f, 1f, shape);
    }

    /** Every pixel equal to {@code value}. */
    static Tensor constant(float value, int... shape) {
        return Tensor.full(Backends.reference(), value, shape);
    }

    static Tensor of(float[] values, int... shape) {
        return Tensor.of(Backends.reference(), values, shape);
    }
}
