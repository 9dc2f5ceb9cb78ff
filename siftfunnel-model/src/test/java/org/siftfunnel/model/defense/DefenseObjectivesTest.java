package org.siftfunnel.model.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.defense.SiftFunnelAblation.Ablated;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.SiftFunnelObjective;

/** The loss-based defenses' objectives: NoPeek, BiDO, label smoothing and the SiftFunnel ablations. */
class DefenseObjectivesTest {
    private static Tensor rand(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(Backends.getDefault(), new RandomSource(seed), lo, hi, shape);
    }

    /** x [8, 1, 6, 6], non-negative z [8, 3, 4, 4] (requires grad), log-probabilities over 4 classes, labels. */
    private static Tensor[] batch() {
        Tensor x = rand(1, -1f, 1f, 8, 1, 6, 6);
        Tensor z = rand(2, 0f, 1f, 8, 3, 4, 4).requiresGrad(true);
        Tensor logProbs = rand(3, -2f, 2f, 8, DefenseFixtures.CLASSES).logSoftmax(1);
        return new Tensor[] {x, z, logProbs, DefenseFixtures.labels()};
    }

    // ---------------------------------------------------------------- NoPeek

    @Test
    void noPeekTermIsTheUnsquaredDistanceCorrelationOfInputAndFeatures() {
        Defense nopeek = Defenses.create(DefenseFixtures.settings("nopeek").set("nopeek-lambda", "0.7"));
        SplitModel model = nopeek.build("cnn", DefenseFixtures.CONFIG, new RandomSource(4)).train();
        Tensor images = DefenseFixtures.images(3);
        Defense.StepResult step = nopeek.trainingLoss(model, images, DefenseFixtures.labels());
        LossTerms t = step.terms();
        assertEquals(List.of("task", "dcor"), List.copyOf(t.terms().keySet()));
        float dcor = Losses.distanceCorrelation(images, step.features(), false).item();
        assertEquals(dcor, t.term("dcor").item(), 1e-6f);
        float dcor2 = Losses.distanceCorrelation(images, step.features(), true).item();
        assertTrue(Math.abs(dcor - dcor2) > 1e-3, "not the squared version: dCor " + dcor + ", dCor² " + dcor2);
        assertEquals(Losses.nll(step.logProbs(), DefenseFixtures.labels()).item(), t.term("task").item(), 1e-6f);
        assertEquals(t.term("task").item() + 0.7 * dcor, t.totalValue(), 1e-5);
        assertEquals(Map.of("lambda", 0.7), nopeek.parameters());
    }

    // ---------------------------------------------------------------- BiDO

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bidoTotalLowersTheLossByTheLabelDependence(boolean normalized) {
        Tensor[] b = batch();
        LossTerms with = new BidoObjective(0.05f, 0.5f, 5f, normalized).evaluate(b[0], b[1], b[2], b[3]);
        LossTerms without = new BidoObjective(0.05f, 0f, 5f, normalized).evaluate(b[0], b[1], b[2], b[3]);
        assertEquals(List.of("task", "hsic_xz", "hsic_zy"), List.copyOf(with.terms().keySet()));
        float task = with.term("task").item();
        float hx = with.term("hsic_xz").item();
        float hy = with.term("hsic_zy").item();
        assertTrue(hx > 0 && hy > 0, "the biased HSIC is positive for non-constant samples: " + hx + ", " + hy);
        assertEquals(task + 0.05 * hx - 0.5 * hy, with.totalValue(), 1e-6);
        assertTrue(with.totalValue() < without.totalValue(), "the HSIC(z, y) term lowers the loss");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bidoGradientStepRaisesTheLabelDependenceAndLowersTheInputDependence(boolean normalized) {
        Tensor[] b = batch();
        BidoObjective onlyY = new BidoObjective(0f, 1f, 1f, normalized);
        LossTerms before = onlyY.evaluate(b[0], b[1], b[2], b[3]);
        before.total().backward();
        Tensor z = b[1].detach().sub(step(b[1].grad()));
        float after = onlyY.evaluate(b[0], z, b[2], b[3]).term("hsic_zy").item();
        assertTrue(after > before.term("hsic_zy").item(), "descending the loss raises HSIC(z, y): "
                + before.term("hsic_zy").item() + " → " + after);

        Tensor[] c = batch();
        BidoObjective onlyX = new BidoObjective(1f, 0f, 1f, normalized);
        LossTerms beforeX = onlyX.evaluate(c[0], c[1], c[2], c[3]);
        beforeX.total().backward();
        Tensor zx = c[1].detach().sub(step(c[1].grad()));
        float afterX = onlyX.evaluate(c[0], zx, c[2], c[3]).term("hsic_xz").item();
        assertTrue(afterX < beforeX.term("hsic_xz").item(), "descending the loss lowers HSIC(x, z): "
                + beforeX.term("hsic_xz").item() + " → " + afterX);
    }

    /** A gradient step whose largest change is 0.01 (the features lie in [0, 1]). */
    private static Tensor step(Tensor grad) {
        float max = 0f;
        for (float g : grad.toArray()) {
            max = Math.max(max, Math.abs(g));
        }
        assertTrue(max > 0f, "the gradient reaches the features");
        return grad.mul(0.01f / max);
    }

    @Test
    void bidoKernelWidthIsSigmaTimesTheSquareRootOfEachDimension() {
        Tensor[] b = batch();
        float sx = (float) (5 * Math.sqrt(36));
        float sz = (float) (5 * Math.sqrt(48));
        float sy = (float) (5 * Math.sqrt(DefenseFixtures.CLASSES));
        Tensor oneHot = BidoObjective.oneHot(b[3], DefenseFixtures.CLASSES);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, java.util.Arrays.copyOf(oneHot.toArray(), 8));

        LossTerms plain = new BidoObjective(0.05f, 0.5f, 5f, false).evaluate(b[0], b[1], b[2], b[3]);
        float xz = Losses.hsicGaussian(b[0], b[1], sx, sz).item();
        float zy = Losses.hsicGaussian(b[1], oneHot, sz, sy).item();
        assertEquals(xz, plain.term("hsic_xz").item(), 1e-9f);
        assertEquals(zy, plain.term("hsic_zy").item(), 1e-9f);

        LossTerms normalised = new BidoObjective(0.05f, 0.5f, 5f, true).evaluate(b[0], b[1], b[2], b[3]);
        double xx = Losses.hsicGaussian(b[0], b[0], sx, sx).item();
        double zz = Losses.hsicGaussian(b[1], b[1], sz, sz).item();
        double yy = Losses.hsicGaussian(oneHot, oneHot, sy, sy).item();
        assertEquals(xz / Math.sqrt(xx * zz), normalised.term("hsic_xz").item(), 1e-5);
        assertEquals(zy / Math.sqrt(zz * yy), normalised.term("hsic_zy").item(), 1e-5);
        assertTrue(normalised.term("hsic_xz").item() <= 1f + 1e-6f);
    }

    @Test
    void bidoNormalisedLabelTermIsZeroForABatchOfOneClass() {
        Tensor[] b = batch();
        Tensor sameClass = Tensor.zeros(Backends.getDefault(), DefenseFixtures.BATCH);
        LossTerms t = new BidoObjective(0.05f, 0.5f, 5f, true).evaluate(b[0], b[1], b[2], sameClass);
        assertEquals(0f, t.term("hsic_zy").item());
        assertTrue(Float.isFinite(t.totalValue()));
        t.total().backward();
        for (float g : b[1].grad().toArray()) {
            assertTrue(Float.isFinite(g));
        }
    }

    @Test
    void bidoDefaultsAndChecks() {
        assertEquals(Map.of("lambda-x", 0.05, "lambda-y", 0.5, "sigma", 5.0, "normalized", 1.0), DefenseFixtures.create("bido").parameters());
        BidoObjective plain = (BidoObjective) ((ObjectiveDefense) Defenses.create(
                DefenseFixtures.settings("bido").set("bido-normalized", "false"))).objective();
        assertFalse(plain.normalized());
        assertThrows(IllegalArgumentException.class, () -> new BidoObjective(-1f, 0.5f, 5f, true));
        assertThrows(IllegalArgumentException.class, () -> new BidoObjective(0.05f, 0.5f, 0f, true));
        Tensor[] b = batch();
        assertThrows(IllegalArgumentException.class,
                () -> new BidoObjective(0.05f, 0.5f, 5f, true).evaluate(b[0], b[1].slice(0, 0, 4), b[2], b[3]));
    }

    // ---------------------------------------------------------------- label smoothing, funnel

    @Test
    void labelSmoothingIsTheSiftFunnelTaskTermAlone() {
        Tensor[] b = batch();
        LossTerms ls = ((ObjectiveDefense) DefenseFixtures.create("ls")).objective().evaluate(b[0], b[1], b[2], b[3]);
        LossTerms full = SiftFunnelObjective.paperDefaults().evaluate(b[0], b[1], b[2], b[3]);
        assertEquals(List.of("task"), List.copyOf(ls.terms().keySet()));
        assertEquals(full.term("task").item(), ls.totalValue());
        assertEquals(Map.of("smoothing", 0.25), DefenseFixtures.create("ls").parameters());
        assertEquals("cnn/none", DefenseFixtures.create("ls").build("cnn", DefenseFixtures.CONFIG, new RandomSource(1)).name());
    }

    @Test
    void funnelIsTheSiftFunnelArchitectureWithTheTaskLossOnly() {
        Defense funnel = DefenseFixtures.create("funnel");
        assertEquals("cnn/siftfunnel", funnel.build("cnn", DefenseFixtures.CONFIG, new RandomSource(1)).name());
        Tensor[] b = batch();
        LossTerms t = ((ObjectiveDefense) funnel).objective().evaluate(b[0], b[1], b[2], b[3]);
        assertEquals(List.of("task"), List.copyOf(t.terms().keySet()));
        assertEquals(Losses.nll(b[2], b[3]).item(), t.totalValue());
        assertTrue(funnel.parameters().isEmpty());
    }

    // ---------------------------------------------------------------- ablations

    @ParameterizedTest
    @EnumSource(Ablated.class)
    void eachAblationDropsExactlyItsTerm(Ablated ablated) {
        Tensor[] b = batch();
        SiftFunnelObjective fullObjective = SiftFunnelObjective.paperDefaults();
        LossTerms full = fullObjective.evaluate(b[0], b[1], b[2], b[3]);
        Defense defense = DefenseFixtures.create(ablated.defenseName());
        assertEquals("cnn/siftfunnel", defense.build("cnn", DefenseFixtures.CONFIG, new RandomSource(1)).name());
        SiftFunnelAblation objective = assertInstanceOf(SiftFunnelAblation.class, ((ObjectiveDefense) defense).objective());
        assertEquals(fullObjective, objective.full(), "the ablation keeps the settings' weights");
        LossTerms ab = objective.evaluate(b[0], b[1], b[2], b[3]);

        String dropped = switch (ablated) {
            case DCOR -> "dcor2";
            case PEARSON -> "pearson";
            case L1 -> "l1";
            case LABEL_SMOOTHING -> null;
        };
        List<String> expectedNames = new ArrayList<>(full.terms().keySet());
        expectedNames.remove(dropped);
        assertEquals(expectedNames, List.copyOf(ab.terms().keySet()));
        double expectedTotal = full.totalValue();
        for (String name : ab.terms().keySet()) {
            if (ablated == Ablated.LABEL_SMOOTHING && name.equals("task")) {
                assertEquals(Losses.nll(b[2], b[3]).item(), ab.term("task").item(), "no-ls uses the NLL");
                expectedTotal += fullObjective.alpha() * (ab.term("task").item() - full.term("task").item());
            } else {
                assertEquals(full.term(name).item(), ab.term(name).item(), name + " is unchanged");
            }
        }
        if (dropped != null) {
            float weight = switch (ablated) {
                case DCOR -> fullObjective.beta();
                case PEARSON -> fullObjective.gamma();
                case L1 -> fullObjective.l1Weight();
                case LABEL_SMOOTHING -> throw new AssertionError();
            };
            expectedTotal -= weight * full.term(dropped).item();
        }
        assertEquals(expectedTotal, ab.totalValue(), 1e-5 * Math.abs(expectedTotal));
        List<String> params = new ArrayList<>(List.of("alpha", "beta", "gamma", "smoothing", "l1"));
        params.remove(switch (ablated) {
            case DCOR -> "beta";
            case PEARSON -> "gamma";
            case L1 -> "l1";
            case LABEL_SMOOTHING -> "smoothing";
        });
        assertEquals(params, List.copyOf(defense.parameters().keySet()));
    }

    @Test
    void siftFunnelWeightsComeFromTheSettings() {
        Defense d = Defenses.create(DefenseFixtures.settings("siftfunnel-no-pearson").set("alpha", "4.5").set("beta", "0.4"));
        SiftFunnelAblation o = (SiftFunnelAblation) ((ObjectiveDefense) d).objective();
        assertEquals(4.5f, o.full().alpha());
        assertEquals(0.4f, o.full().beta());
        assertEquals(Map.of("alpha", 4.5, "beta", 0.4, "smoothing", 0.25, "l1", 0.03), d.parameters());
    }
}
