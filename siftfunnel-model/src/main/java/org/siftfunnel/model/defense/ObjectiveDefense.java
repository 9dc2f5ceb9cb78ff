package org.siftfunnel.model.defense;

import java.util.Collections;
import java.util.LinkedHashMap;
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

    /**
     * @param name       the defense's name
     * @param variant    the architecture variant it trains ({@code none} or {@code siftfunnel})
     * @param objective  the loss of one mini-batch
     * @param parameters the strengths, in the order results should list them
     */
    public ObjectiveDefense(String name, String variant, Objective objective, Map<String, Double> parameters) {
        this.name = name;
        this.variant = variant;
        this.objective = objective;
        // Kept in the caller's order, so that results list the parameters as the registry declares them.
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
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

    /** The objective this defense trains with. */
    public Objective objective() {
        return objective;
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
