package org.siftfunnel.engine.estimate;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * A mini-batch of samples from the joint distribution: row i of {@code x} goes with row i of
 * {@code z}.
 */
public record PairBatch(Tensor x, Tensor z) {
    public PairBatch {
        if (x == null || z == null || x.rank() < 1 || z.rank() < 1 || x.size(0) != z.size(0)) {
            throw new IllegalArgumentException("PairBatch: x and z must be batches with the same size on axis 0, got "
                    + (x == null ? "null" : Arrays.toString(x.shape())) + " and "
                    + (z == null ? "null" : Arrays.toString(z.shape())));
        }
    }

    public int size() {
        return x.size(0);
    }
}
