package org.siftfunnel.engine.estimate;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Test data with a known mutual information: d independent pairs (X_i, Z_i) with
 * {@code Z_i = ρ X_i + sqrt(1 − ρ²) ε_i}, X and ε standard normal, so
 * {@code I(X;Z) = −½·d·log(1 − ρ²)}.
 */
record CorrelatedGaussians(Tensor x, Tensor z, int dims, double rho) {
    static CorrelatedGaussians sample(Backend backend, long seed, int n, int dims, float rho) {
        RandomSource rng = new RandomSource(seed);
        Tensor x = Tensor.randn(backend, rng, 0f, 1f, n, dims);
        Tensor noise = Tensor.randn(backend, rng, 0f, 1f, n, dims);
        Tensor z = x.mul(rho).add(noise.mul((float) Math.sqrt(1.0 - (double) rho * rho)));
        return new CorrelatedGaussians(x, z, dims, rho);
    }

    /** The true I(X;Z) in nats. */
    double trueMutualInformation() {
        return -0.5 * dims * Math.log(1.0 - rho * rho);
    }

    /** Rows [from, to) shuffled every epoch in batches of {@code batchSize}, the last partial batch dropped. */
    TensorPairs training(int from, int to, int batchSize, long seed) {
        return new TensorPairs(x.slice(0, from, to), z.slice(0, from, to), batchSize, true, true, seed);
    }

    /** Rows [from, to) in order, in batches of {@code batchSize}. */
    TensorPairs heldOut(int from, int to, int batchSize) {
        return TensorPairs.inOrder(x.slice(0, from, to), z.slice(0, from, to), batchSize);
    }
}
