package org.siftfunnel.model.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.MidArchitectures;
import org.siftfunnel.model.arch.MidArchitectures.Placement;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.arch.VariationalBottleneck;

/**
 * MID: the bottleneck's KL divergence against a hand computation, sampling in training and μ in
 * evaluation, both placements' structure, and the defense's loss.
 */
class MidDefenseTest {
    private static double softplus(double t) {
        return Math.log1p(Math.exp(t));
    }

    @Test
    void klDivergenceMatchesAHandComputation() {
        float[] mu = {0.5f, -1f, 0f, 2f, 0.1f, -0.3f};
        float[] sigma = {1f, 0.5f, 0.01f, 2f, 0.7f, 1.3f};
        Tensor m = Tensor.of(Backends.getDefault(), mu, 2, 3);
        Tensor s = Tensor.of(Backends.getDefault(), sigma, 2, 3);
        double expected = 0;
        for (int i = 0; i < 6; i++) {
            expected += -0.5 * (1 + 2 * Math.log(sigma[i]) - mu[i] * mu[i] - sigma[i] * sigma[i]);
        }
        expected /= 2; // mean over the batch of 2, sum over the 3 latent values
        assertEquals(expected, VariationalBottleneck.klDivergence(m, s).item(), 1e-5 * Math.abs(expected));
        // KL of the prior itself is zero.
        Tensor zeros = Tensor.zeros(Backends.getDefault(), 2, 3);
        Tensor ones = Tensor.ones(Backends.getDefault(), 2, 3);
        assertEquals(0f, VariationalBottleneck.klDivergence(zeros, ones).item(), 1e-7f);
    }

    @Test
    void denseBottleneckComputesMuAndSigmaAsTheFormulaAndReportsTheirKl() {
        VariationalBottleneck b = VariationalBottleneck.dense(3, 2, new RandomSource(21));
        Tensor x = Tensor.of(Backends.getDefault(), new float[] {1f, -2f, 0.5f, 0.3f, 0.2f, -1f}, 2, 3);
        float[] w = b.namedParameters().get("weight").toArray(); // [4, 3]
        float[] bias = b.namedParameters().get("bias").toArray(); // [4]
        double[] muHand = new double[4];
        double[] sigmaHand = new double[4];
        double kl = 0;
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 4; j++) {
                double a = bias[j];
                for (int i = 0; i < 3; i++) {
                    a += w[j * 3 + i] * x.toArray()[n * 3 + i];
                }
                if (j < 2) {
                    muHand[n * 2 + j] = a;
                } else {
                    sigmaHand[n * 2 + j - 2] = softplus(a - 5);
                }
            }
        }
        for (int i = 0; i < 4; i++) {
            kl += -0.5 * (1 + 2 * Math.log(sigmaHand[i]) - muHand[i] * muHand[i] - sigmaHand[i] * sigmaHand[i]);
        }
        kl /= 2;
        b.eval();
        float[] out = b.forward(x).toArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(muHand[i], out[i], 1e-5, "evaluation returns μ");
            assertEquals(sigmaHand[i], b.lastSigma().toArray()[i], 1e-6);
        }
        assertEquals(kl, b.klDivergence().item(), 1e-5 * kl);
    }

    @Test
    void trainingSamplesAroundMuWithStandardDeviationSigma() {
        VariationalBottleneck b = VariationalBottleneck.dense(8, 4096, new RandomSource(2));
        Tensor x = Tensor.randn(Backends.getDefault(), new RandomSource(3), 0f, 1f, 4, 8);
        b.train();
        float[] sample = b.forward(x).toArray();
        float[] mu = b.lastMean().toArray();
        float[] sigma = b.lastSigma().toArray();
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < sample.length; i++) {
            double eps = (sample[i] - mu[i]) / sigma[i];
            sum += eps;
            sq += eps * eps;
        }
        int n = sample.length;
        assertEquals(0, sum / n, 5 / Math.sqrt(n), "ε has mean 0");
        assertEquals(1, Math.sqrt(sq / n), 5 / Math.sqrt(2.0 * n), "ε has standard deviation 1");
        assertFalse(Arrays.equals(sample, b.forward(x).toArray()), "each training pass draws new noise");
    }

    @Test
    void splitPlacementKeepsZsShapeAndIsDeterministicInEvaluation() {
        Defense mid = DefenseFixtures.create("mid");
        SplitModel model = mid.build("cnn", DefenseFixtures.CONFIG, new RandomSource(5));
        SplitModel plain = DefenseFixtures.create("none").build("cnn", DefenseFixtures.CONFIG, new RandomSource(5));
        assertEquals("cnn/mid", model.name());
        assertArrayEquals(plain.featureShape(), model.featureShape());
        int c = model.featureShape()[0];
        assertArrayEquals(new int[] {2 * c, c, 1, 1}, model.edgeStateDict().get("st_layer.weight").shape(),
                "the bottleneck is on the edge, under the released name");
        Tensor x = DefenseFixtures.images(6);
        model.eval();
        try (GradMode.Scope s = GradMode.noGrad()) {
            float[] z1 = model.features(x).toArray();
            float[] z2 = model.features(x).toArray();
            assertArrayEquals(z1, z2, "evaluation transmits μ");
            assertArrayEquals(MidDefense.bottleneck(model).lastMean().toArray(), z1);
            model.train();
            assertFalse(Arrays.equals(z1, model.features(x).toArray()), "training transmits a noisy sample");
        }
    }

    @Test
    void headPlacementInsertsTheBottleneckBeforeARebuiltHead() {
        SplitModel model = DefenseFixtures.create("mid-head").build("cnn", DefenseFixtures.CONFIG, new RandomSource(5));
        assertEquals("cnn/mid-head", model.name());
        int d = 8 * 64; // 512 channels × (16/16)²
        assertArrayEquals(new int[] {d, d}, model.cloud().stateDict().get("st_layer.weight").shape(),
                "Linear(d → 2k) with k = d/2");
        assertArrayEquals(new int[] {5 * DefenseFixtures.CLASSES, d / 2}, model.cloud().stateDict().get("fc.0.weight").shape(),
                "the head takes k inputs");
        assertFalse(model.edgeStateDict().containsKey("st_layer.weight"));
        List<String> order = List.copyOf(model.cloud().namedChildren().keySet());
        assertEquals(order.indexOf("flatten") + 1, order.indexOf("st_layer"));
        assertEquals(order.indexOf("st_layer") + 1, order.indexOf("fc"));

        SplitModel k64 = Defenses.create(DefenseFixtures.settings("mid-head").set("mid-k", "64"))
                .build("cnn", DefenseFixtures.CONFIG, new RandomSource(5));
        assertArrayEquals(new int[] {128, d}, k64.cloud().stateDict().get("st_layer.weight").shape());
        assertArrayEquals(new int[] {5 * DefenseFixtures.CLASSES, 64}, k64.cloud().stateDict().get("fc.0.weight").shape());

        Tensor x = DefenseFixtures.images(6);
        model.eval();
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertArrayEquals(model.forward(x).toArray(), model.forward(x).toArray(), "evaluation uses μ");
        }
    }

    @Test
    void headPlacementWorksForEveryBackbone() {
        for (String backbone : List.of("vgg16", "resnet18")) {
            SplitModel m = MidArchitectures.create(backbone, Placement.HEAD, 16, org.siftfunnel.model.arch.ArchConfig.of(1, 32, 3),
                    new RandomSource(1));
            assertInstanceOf(VariationalBottleneck.class, m.cloud().namedChildren().get("st_layer"), backbone);
            m.eval();
            try (GradMode.Scope s = GradMode.noGrad()) {
                assertArrayEquals(new int[] {1, 3}, m.forward(Tensor.zeros(Backends.getDefault(), 1, 1, 32, 32)).shape(), backbone);
            }
        }
    }

    @Test
    void lossIsTaskPlusBetaTimesKlAndTheKlGradientReachesTheBottleneck() {
        Defense mid = Defenses.create(DefenseFixtures.settings("mid").set("mid-beta", "0.01"));
        SplitModel model = mid.build("cnn", DefenseFixtures.CONFIG, new RandomSource(5)).train();
        Defense.StepResult step = mid.trainingLoss(model, DefenseFixtures.images(2), DefenseFixtures.labels());
        assertEquals(List.of("task", "kl"), List.copyOf(step.terms().terms().keySet()));
        float task = step.terms().term("task").item();
        float kl = step.terms().term("kl").item();
        assertTrue(kl > 0, "KL of N(μ, σ²) with σ ≈ 0.0067 from N(0, 1) is large: " + kl);
        assertEquals(task + 0.01 * kl, step.terms().totalValue(), 1e-5 * (task + 0.01 * kl));
        step.terms().term("kl").backward();
        Tensor g = model.edge().namedParameters().get("st_layer.weight").grad();
        assertNotNull(g);
        double norm = 0;
        for (float v : g.toArray()) {
            norm += v * (double) v;
        }
        assertTrue(norm > 0);
    }

    @Test
    void parametersAndArgumentChecks() {
        assertEquals(List.of("beta"), List.copyOf(DefenseFixtures.create("mid").parameters().keySet()));
        assertEquals(List.of("beta", "k"), List.copyOf(DefenseFixtures.create("mid-head").parameters().keySet()));
        assertEquals(1e-3, DefenseFixtures.create("mid").parameters().get("beta"));
        assertThrows(IllegalArgumentException.class, () -> new MidDefense(Placement.SPLIT, 1e-3, 8));
        assertThrows(IllegalArgumentException.class, () -> new MidDefense(Placement.HEAD, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MidDefense(Placement.HEAD, 1e-3, -1));
        assertThrows(IllegalStateException.class, () -> VariationalBottleneck.channelwise(4, new RandomSource(1)).klDivergence());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VariationalBottleneck.dense(5, 2, new RandomSource(1)).forward(Tensor.zeros(Backends.getDefault(), 2, 4)));
        assertTrue(e.getMessage().contains("[N, 5]"), e.getMessage());
        SplitModel plain = DefenseFixtures.create("none").build("cnn", DefenseFixtures.CONFIG, new RandomSource(1));
        assertThrows(IllegalArgumentException.class,
                () -> DefenseFixtures.create("mid").trainingLoss(plain, DefenseFixtures.images(1), DefenseFixtures.labels()));
    }
}
