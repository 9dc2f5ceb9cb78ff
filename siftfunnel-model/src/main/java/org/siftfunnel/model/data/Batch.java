package org.siftfunnel.model.data;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * One mini-batch on a backend.
 *
 * @param images normalised model input [B, C, S, S]
 * @param raw the same images before normalisation, in [0, 1] (after augmentation, if any):
 *     the targets attacks reconstruct; {@code images} is exactly {@code normalize(raw)}
 * @param labels class indices as floats [B] (the engine's index convention)
 * @param indices which images of the source these are, in batch order
 */
public record Batch(Tensor images, Tensor raw, Tensor labels, int[] indices) {
    public int size() {
        return indices.length;
    }
}
