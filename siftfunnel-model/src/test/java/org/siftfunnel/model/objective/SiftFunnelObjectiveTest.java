package org.siftfunnel.model.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The SiftFunnel objective's structure: term names and order, the weighted total, the task term
 * against a hand computation, options and argument checks. Its values and gradients on the
 * real model are checked against PyTorch by {@code SiftFunnelCnnGoldenTest}.
 */
class SiftFunnelObjectiveTest {
    private static Tensor rand(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(Backends.getDefault(), new RandomSource(seed), lo, hi, shape);
    }

    /** A batch of 3: input [3, 1, 4, 4], non-negative features [3, 2, 3, 3], log-probabilities over 4 classes. */
    private static Tensor[] batch() {
        Tensor x = rand(1, -1f, 1f, 3, 1, 4, 4);
        Tensor z = rand(2, 0f, 1f, 3, 2, 3, 3).requiresGrad(true);
        Tensor logits = rand(3, -2f, 2f, 3, 4).requiresGrad(true);
        Tensor labels = Tensor.of(Backends.getDefault(), new float[] {0, 3, 1}, 3);
        return new Tensor[] {x, z, logits, labels};
    }

    @Test
    void paperDefaults() {
        SiftFunnelObjective o = SiftFunnelObjective.paperDefaults();
        assertEquals(5f, o.alpha());
        assertEquals(2f, o.beta());
        assertEquals(2f, o.gamma());
        assertEquals(0.03f, o.l1Weight());
        assertEquals(0.25f, o.smoothing());
        assertTrue(o.keepDiagonal());
    }

    @Test
    void totalIsTheWeightedSumOfTheNamedTerms() {
        Tensor[] b = batch();
        SiftFunnelObjective o = new SiftFunnelObjective(1.5f, 0.4f, 0.1f, 0.07f, 0.35f, true);
        LossTerms terms = o.evaluate(b[0], b[1], b[2].logSoftmax(1), b[3]);
        assertEquals(List.of("task", "dcor2", "l1", "pearson"), List.copyOf(terms.terms().keySet()));
        Map<String, Float> v = terms.values();
        assertEquals(List.of("task", "dcor2", "l1", "pearson", "total"), List.copyOf(v.keySet()));
        double expected = 1.5 * v.get("task") + 0.4 * v.get("dcor2") + 0.07 * v.get("l1") + 0.1 * v.get("pearson");
        assertEquals(expected, terms.totalValue(), 1e-5 * Math.abs(expected));
        assertEquals(terms.totalValue(), v.get("total"));
        assertEquals(Losses.distanceCorrelation(b[0], b[1], true).item(), v.get("dcor2"), 1e-6f);
        assertEquals(Losses.meanAbs(b[1]).item(), v.get("l1"), 1e-7f);
        assertEquals(Losses.pearsonChannels(b[1], true).item(), v.get("pearson"), 1e-6f);
    }

    @Test
    void taskTermIsTheKlDivergenceToLabelsSmoothedOverTheOtherClasses() {
        Tensor[] b = batch();
        float s = 0.3f;
        Tensor logProbs = b[2].logSoftmax(1);
        float got = new SiftFunnelObjective(1f, 0f, 0f, 0f, s, true).evaluate(b[0], b[1], logProbs, b[3]).term("task").item();
        float[] lp = logProbs.toArray();
        float[] labels = b[3].toArray();
        double kl = 0;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                double t = k == (int) labels[i] ? 1 - s : s / 3;
                kl += t * (Math.log(t) - lp[i * 4 + k]);
            }
        }
        assertEquals(kl / 3, got, 1e-5);
    }

    @Test
    void gradientReachesTheFeaturesAndTheLogits() {
        Tensor[] b = batch();
        LossTerms terms = SiftFunnelObjective.paperDefaults().evaluate(b[0], b[1], b[2].logSoftmax(1), b[3]);
        terms.total().backward();
        assertNotNull(b[1].grad(), "gradient w.r.t. Z (dCor, L1, Pearson)");
        assertNotNull(b[2].grad(), "gradient w.r.t. the logits (task)");
        float gradNorm = b[1].grad().abs().sum().item();
        assertTrue(gradNorm > 0 && Float.isFinite(gradNorm), "finite, non-zero gradient on Z: " + gradNorm);
    }

    @Test
    void pearsonDiagonalCanBeDropped() {
        Tensor[] b = batch();
        SiftFunnelObjective off = SiftFunnelObjective.paperDefaults().withDiagonal(false);
        float got = off.evaluate(b[0], b[1], b[2].logSoftmax(1), b[3]).term("pearson").item();
        assertEquals(Losses.pearsonChannels(b[1], false).item(), got, 1e-7f);
        float kept = SiftFunnelObjective.paperDefaults().evaluate(b[0], b[1], b[2].logSoftmax(1), b[3]).term("pearson").item();
        // With two channels, half the entries are the diagonal. A channel's correlation with itself
        // is (HW − 1)/HW, not 1, in the code's convention (covariance over HW, unbiased σ):
        // (8/9)² for the 3×3 maps here.
        float diagonal = (8f / 9f) * (8f / 9f);
        assertEquals(0.5f * diagonal + 0.5f * got, kept, 1e-5f);
    }

    @Test
    void copiesChangeOnlyWhatTheySay() {
        SiftFunnelObjective o = SiftFunnelObjective.paperDefaults().withWeights(4.5f, 0.4f, 0.1f).withSmoothing(0.35f);
        assertEquals(new SiftFunnelObjective(4.5f, 0.4f, 0.1f, 0.03f, 0.35f, true), o);
        assertTrue(o.toString().contains("s=0.35"), o.toString());
    }

    @Test
    void invalidSettingsAndMismatchedBatchesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SiftFunnelObjective(-1f, 2f, 2f, 0.03f, 0.25f, true));
        assertThrows(IllegalArgumentException.class, () -> new SiftFunnelObjective(5f, Float.NaN, 2f, 0.03f, 0.25f, true));
        assertThrows(IllegalArgumentException.class, () -> new SiftFunnelObjective(5f, 2f, 2f, Float.POSITIVE_INFINITY, 0.25f, true));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> SiftFunnelObjective.paperDefaults().withSmoothing(1f));
        assertTrue(s.getMessage().contains("smoothing"), s.getMessage());
        Tensor[] b = batch();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SiftFunnelObjective.paperDefaults().evaluate(b[0].slice(0, 0, 2), b[1], b[2].logSoftmax(1), b[3]));
        assertTrue(e.getMessage().contains("batch sizes differ"), e.getMessage());
    }

    @Test
    void unknownTermIsNamedInTheError() {
        Tensor[] b = batch();
        LossTerms terms = SiftFunnelObjective.paperDefaults().evaluate(b[0], b[1], b[2].logSoftmax(1), b[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> terms.term("mi"));
        assertTrue(e.getMessage().contains("'mi'") && e.getMessage().contains("dcor2"), e.getMessage());
    }
}
