package org.siftfunnel.model.objective;

import org.siftfunnel.engine.tensor.Tensor;

/** A training loss for a split model, computed from one mini-batch's forward pass. */
public interface Objective {
    /**
     * @param input    the normalised input batch x [N, C, H, W] fed to the edge
     * @param features the transmitted feature Z [N, C', H', W'] (the edge's output)
     * @param logProbs the model's log-probabilities [N, K]
     * @param labels   class indices [N] stored as floats
     * @return the total (differentiable, shape [1]) and its named terms
     */
    LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels);
}
