package org.siftfunnel.model.defense;

import java.util.Map;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.objective.LossTerms;

/**
 * A defense: a way to build and train the edge (and perhaps to perturb what it sends). The
 * evaluation matrix (defenses × attacks × metrics) loops over these.
 *
 * <p>Three hooks: {@link #build} chooses the architecture (e.g. SiftFunnel's funnel, a
 * variational bottleneck), {@link #trainingLoss} is one mini-batch's objective, and
 * {@link #perturb} transforms the transmitted features at inference (noise, dropout). A defense
 * that only perturbs reuses the undefended model ({@link #trainedModel()} names which).
 */
public interface Defense {

    /** The name used on the command line and in results ({@code none}, {@code siftfunnel}, ...). */
    String name();

    /** Strength parameters (e.g. {@code sigma}, {@code lambda}), for results and sweeps. */
    Map<String, Double> parameters();

    /** The defense whose trained model this one uses: itself, or {@code none} for inference-only perturbations. */
    default String trainedModel() {
        return name();
    }

    /** Builds the split model this defense trains. */
    default SplitModel build(String backbone, ArchConfig config, RandomSource rng) {
        return Architectures.create(backbone, "none", config, rng);
    }

    /** One mini-batch's objective: forward through the model and return the loss terms and log-probabilities. */
    StepResult trainingLoss(SplitModel model, Tensor images, Tensor labels);

    /** Transforms the transmitted features at inference (identity unless the defense perturbs them). */
    default Tensor perturb(Tensor features, RandomSource rng) {
        return features;
    }

    /**
     * Whether {@link #perturb} draws from its random source, so that the same image may give
     * different transmitted features from one query to the next. When it does not, an attacker's
     * repeated queries of the same images are repeatable and may be answered from a cache
     * ({@code AttackContext#repeatableQueries}).
     */
    default boolean perturbsAtRandom() {
        return false;
    }

    /** The objective's terms (total first-class) and the model's log-probabilities for accuracy. */
    record StepResult(LossTerms terms, Tensor logProbs, Tensor features) {
    }
}
