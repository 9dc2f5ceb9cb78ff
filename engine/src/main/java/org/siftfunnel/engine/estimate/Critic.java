package org.siftfunnel.engine.estimate;

import java.util.List;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The statistics network {@code T(x, z)} of MINE: one score per sample for a batch of pairs.
 * Any {@link org.siftfunnel.engine.nn.Module} that implements this interface already provides
 * {@link #parameters()}.
 */
public interface Critic {
    /**
     * Scores a batch of pairs.
     *
     * @param x a batch [B, ...]
     * @param z a batch [B, ...] (the same B; row i of z is paired with row i of x)
     * @return the scores T(x_i, z_i) as a [B] tensor, differentiable with respect to the parameters
     */
    Tensor scores(Tensor x, Tensor z);

    /** The trainable leaf tensors, each once. */
    List<Tensor> parameters();
}
