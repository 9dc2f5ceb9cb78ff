package org.siftfunnel.model.defense;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.objective.TaskObjective;

/**
 * A defense applied only at inference, to the features the undefended model transmits (He et
 * al.'s noise and dropout defenses, as the paper's {@code --protect dp|drop}). Nothing about
 * training changes: {@link #trainedModel()} is {@code none}, {@link #build} gives the
 * undefended architecture and {@link #trainingLoss} is the undefended NLL, so an evaluation
 * loads the undefended checkpoint and passes each Z through {@link #perturb}.
 */
public abstract class FeaturePerturbationDefense implements Defense {
    private static final TaskObjective UNDEFENDED = new TaskObjective();

    private final String name;
    private final Map<String, Double> parameters;

    protected FeaturePerturbationDefense(String name, Map<String, Double> parameters) {
        this.name = name;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Map<String, Double> parameters() {
        return parameters;
    }

    /** {@code none}: the perturbation is applied to the undefended model's features. */
    @Override
    public final String trainedModel() {
        return "none";
    }

    /** Noise and dropout draw a new perturbation for every query. */
    @Override
    public final boolean perturbsAtRandom() {
        return true;
    }

    /** The undefended model's step (what training under this name would do). */
    @Override
    public final StepResult trainingLoss(SplitModel model, Tensor images, Tensor labels) {
        Tensor z = model.edge().forward(images);
        Tensor logProbs = model.cloud().forward(z);
        return new StepResult(UNDEFENDED.evaluate(images, z, logProbs, labels), logProbs, z);
    }

    @Override
    public String toString() {
        return name + parameters + " (inference-time perturbation of the undefended model's Z)";
    }
}
