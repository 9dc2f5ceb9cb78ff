package org.siftfunnel.model.objective;

import java.util.Map;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The undefended model's loss: the negative log-likelihood of the labels under the model's
 * log-probabilities (the paper's {@code train_classifier.py}). One term, {@code "task"}; the
 * input and features are not used.
 */
public final class TaskObjective implements Objective {
    /** Name of the single term. */
    public static final String TASK = "task";

    @Override
    public LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels) {
        Tensor nll = Losses.nll(logProbs, labels);
        return new LossTerms(nll, Map.of(TASK, nll));
    }

    @Override
    public String toString() {
        return "TaskObjective(nll)";
    }
}
