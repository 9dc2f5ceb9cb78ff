package org.siftfunnel.model.defense;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.Objective;

/**
 * NoPeek (Vepakomma et al., ICDMW'20): the cross-entropy plus the distance correlation between
 * the input and the transmitted feature,
 *
 * <pre>
 *   L = CE + λ·dCor(x, z)
 * </pre>
 *
 * with x the normalised input batch and z the edge's output, each sample flattened. As in
 * NoPeek's code the distance correlation is <em>not</em> squared (SiftFunnel's own term is
 * dCor², see {@link org.siftfunnel.model.objective.SiftFunnelObjective}). Terms: {@code task}
 * (the NLL of the log-probabilities) and {@code dcor}.
 *
 * @param lambda weight of dCor relative to the cross-entropy (≥ 0)
 */
public record NoPeekObjective(float lambda) implements Objective {
    public static final String TASK = "task";
    public static final String DCOR = "dcor";

    public NoPeekObjective {
        Weights.check("NoPeekObjective", "lambda", lambda);
    }

    @Override
    public LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels) {
        Tensor task = Losses.nll(logProbs, labels);
        Tensor dcor = Losses.distanceCorrelation(input, features, false);
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put(TASK, task);
        terms.put(DCOR, dcor);
        return new LossTerms(task.add(dcor.mul(lambda)), terms);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "NoPeekObjective(CE + %s·dCor)", lambda);
    }
}
