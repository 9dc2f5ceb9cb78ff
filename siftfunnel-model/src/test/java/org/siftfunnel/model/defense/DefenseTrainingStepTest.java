package org.siftfunnel.model.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.objective.LossTerms;

/**
 * Every registered defense builds a model for a tiny task and runs one training step: the loss
 * and every term are finite, the gradient reaches the first layer of the edge, and the step's
 * outputs have the model's shapes.
 */
class DefenseTrainingStepTest {
    static final List<String> ALL = Defenses.NAMES;

    @ParameterizedTest
    @FieldSource("ALL")
    void oneTrainingStepHasAFiniteLossAndReachesTheEdge(String name) {
        Defense defense = DefenseFixtures.create(name);
        assertEquals(name, defense.name());
        SplitModel model = defense.build("cnn", DefenseFixtures.CONFIG, new RandomSource(3)).train();
        Tensor images = DefenseFixtures.images(11);
        Tensor labels = DefenseFixtures.labels();

        Defense.StepResult step = defense.trainingLoss(model, images, labels);
        LossTerms terms = step.terms();
        for (Map.Entry<String, Float> e : terms.values().entrySet()) {
            assertTrue(Float.isFinite(e.getValue()), name + ": term " + e.getKey() + " = " + e.getValue());
        }
        assertArrayEquals(new int[] {DefenseFixtures.BATCH, DefenseFixtures.CLASSES}, step.logProbs().shape(), name + ": log-probabilities");
        int[] z = step.features().shape();
        assertEquals(DefenseFixtures.BATCH, z[0]);
        assertArrayEquals(model.featureShape(), new int[] {z[1], z[2], z[3]}, name + ": features");

        terms.total().backward();
        Map.Entry<String, Tensor> first = model.edge().namedParameters().entrySet().iterator().next();
        Tensor grad = first.getValue().grad();
        assertNotNull(grad, name + ": no gradient at the edge's first parameter " + first.getKey());
        double norm = 0;
        for (float g : grad.toArray()) {
            assertTrue(Float.isFinite(g), name + ": non-finite gradient at " + first.getKey());
            norm += g * (double) g;
        }
        assertTrue(norm > 0, name + ": zero gradient at the edge's first parameter " + first.getKey());
        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            Tensor g = p.getValue().grad();
            if (g != null) {
                for (float v : g.toArray()) {
                    assertTrue(Float.isFinite(v), name + ": non-finite gradient at " + p.getKey());
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void parametersAreTheRegisteredOnesAndPerturbKeepsTheShape(String name) {
        Defense defense = DefenseFixtures.create(name);
        assertEquals(Defenses.parameterSettings(name).keySet(), defense.parameters().keySet(), name);
        Tensor z = DefenseFixtures.images(5);
        assertArrayEquals(z.shape(), defense.perturb(z, new RandomSource(1)).shape());
        assertEquals(name.equals("noise") || name.equals("dropout") ? "none" : name, defense.trainedModel());
    }
}
