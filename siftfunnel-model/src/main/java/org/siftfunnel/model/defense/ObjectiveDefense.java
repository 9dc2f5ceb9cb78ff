package org.siftfunnel.model.defense;

import java.util.Map;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.objective.Objective;

/**
 * A defense that trains a given architecture variant with an {@link Objective} of
 * (input, features, log-probabilities, labels): the undefended model, SiftFunnel, and every
 * defense whose penalty depends only on those.
 */
public final class ObjectiveDefense implements Defense {
    private final String name;
    private final String variant;
    private final Objective objective;
    private final Map<String, Double> parameters;

    public ObjectiveDefense(String name, String variant, Objective objective, Map<String, Double> parameters) {
        this.name = name;
        this.variant = variant;
        this.objective = objective;
        this.parameters = Map.copyOf(parameters);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Double> parameters() {
        return parameters;
    }

    @Override
    public SplitModel build(String backbone, ArchConfig config, RandomSource rng) {
        return Architectures.create(backbone, variant, config, rng);
    }

    @Override
    public StepResult trainingLoss(SplitModel model, Tensor images, Tensor labels) {
        Tensor z = model.edge().forward(images);
        Tensor logProbs = model.cloud().forward(z);
        return new StepResult(objective.evaluate(images, z, logProbs, labels), logProbs, z);
    }

    @Override
    public String toString() {
        return name + parameters + " (" + variant + " architecture, " + objective + ")";
    }
}
