package org.siftfunnel.model.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.arch.Stage;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.data.Dataset;

/**
 * A tiny synthetic setup: 16×16 greyscale images and an edge that is a fixed random 3×3
 * convolution (z = 1×16×16, a deterministic function of x), estimated once as is and once with
 * a perturbation that replaces z by independent noise. Both estimators must rate the dependent
 * pair clearly above the independent one. Few images and epochs keep it short; the paper's
 * critic is the full-width one, so that is most of the time.
 */
class MineRunnerTest {
    private static final Backend BACKEND = Backends.getDefault();
    private static final int EPOCHS = 2;
    private static final int BATCH = 16;

    private static SplitModel model;
    private static MineReport dependent;
    private static MineReport independent;
    private static final List<String> EVENTS = new ArrayList<>();
    private static boolean trainingModeRestored;

    @BeforeAll
    static void estimate() {
        model = tinyModel();
        DataSplits splits = new DataSplits(images("train", 96, 1), images("test", 16, 2), images("aux", 32, 3));
        // Learning rates at which 12 steps suffice on this easy pair (the paper's sigmoid critic
        // climbs more steadily at 5e-3 than at its default 0.01).
        MineRunSettings settings = MineRunSettings.paper().withEpochs(EPOCHS).withBatchSize(BATCH).withLr(5e-3f)
                .withCorrectedLr(0.01f).withSeed(1);
        MineRunner runner = new MineRunner(model, splits, BACKEND, settings, (estimator, epochs, batches) -> {
            EVENTS.add(estimator + " " + epochs + "x" + batches);
            return (epoch, total, train, eval) -> EVENTS.add(estimator + " epoch " + epoch);
        });
        long start = System.nanoTime();
        model.train();
        dependent = runner.run();
        trainingModeRestored = model.isTraining();
        RandomSource noise = new RandomSource(77);
        independent = runner.run("independent noise", z -> Tensor.randn(z.backend(), noise, 0f, 1f, z.shape()));
        System.out.printf(Locale.ROOT, "tiny conv edge, %.1f s: dependent paper %.4f corrected %.4f; independent paper %.4f"
                + " corrected %.4f%n", (System.nanoTime() - start) / 1e9, dependent.paper().value(),
                dependent.corrected().value(), independent.paper().value(), independent.corrected().value());
    }

    private static SplitModel tinyModel() {
        RandomSource rng = new RandomSource(5);
        Stage edge = new Stage().add("conv", new Conv2d(1, 1, 3, 1, 1, true, rng));
        Stage cloud = new Stage().add("flatten", new Flatten()).add("fc", new Linear(16 * 16, 2, rng))
                .add("log_softmax", new LogSoftmax(1));
        SplitModel m = new SplitModel("tiny/conv", ArchConfig.of(1, 16, 2), edge, cloud, new int[] {1, 16, 16});
        m.to(BACKEND);
        return m;
    }

    /**
     * Images whose brightness differs from image to image (uniform in [0.15, 0.85]) plus pixel
     * noise of ±0.15: like real photographs, most of what varies between images is shared by
     * many pixels, which the critic's 3×3 windows pick up quickly.
     */
    private static Dataset images(String name, int count, long seed) {
        RandomSource rng = new RandomSource(seed);
        float[] pixels = Tensor.rand(Backends.reference(), rng, -0.15f, 0.15f, count * 256).toArray();
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            float brightness = 0.15f + 0.7f * rng.nextFloat();
            for (int p = 0; p < 256; p++) {
                pixels[i * 256 + p] += brightness;
            }
            labels[i] = i % 2;
        }
        return Dataset.fromFloats(name, pixels, count, 1, 16, 16, labels, List.of("a", "b"));
    }

    @Test
    void paperEstimateOfDependentFeaturesIsClearlyHigherAndBelowOneNat() {
        double dep = dependent.paper().value();
        double ind = independent.paper().value();
        assertTrue(dep > ind + 0.05 && dep > 2 * ind, "paper: dependent " + dep + " vs independent " + ind);
        assertTrue(dep < 1.0, "the paper's sigmoid critic is bounded by 1 nat, got " + dep);
    }

    @Test
    void correctedEstimateOfDependentFeaturesIsClearlyHigher() {
        double dep = dependent.corrected().value();
        double ind = independent.corrected().value();
        assertTrue(dep > ind + 0.5, "corrected: dependent " + dep + " vs independent " + ind);
        assertEquals(0.0, ind, 0.2, "independent noise carries no information");
    }

    @Test
    void progressIsReportedPerEstimatorAndEpoch() {
        assertEquals(List.of("paper 2x6", "paper epoch 1", "paper epoch 2", "corrected 2x6", "corrected epoch 1",
                "corrected epoch 2"), EVENTS.subList(0, 6));
        assertEquals(12, EVENTS.size());
    }

    @Test
    void theModelsModeIsRestored() {
        assertTrue(trainingModeRestored, "the runner evaluates in eval mode and restores training mode");
    }

    @Test
    void reportLabelsBothEstimatesAndSaysWhenEpochsAreFewerThanThePapers() {
        Map<?, ?> json = (Map<?, ?>) Json.parse(Json.write(dependent.toJson()));
        assertEquals("tiny/conv", json.get("model"));
        assertEquals("none", json.get("perturbation"));
        assertEquals("independent noise", independent.perturbation());
        assertEquals(List.of(1.0, 16.0, 16.0), numbers(json.get("feature_shape")));
        Map<?, ?> estimates = (Map<?, ?>) json.get("estimates");
        Map<?, ?> paper = (Map<?, ?>) estimates.get("paper");
        Map<?, ?> corrected = (Map<?, ?>) estimates.get("corrected");
        assertEquals("paper", paper.get("estimator"));
        assertEquals("corrected", corrected.get("estimator"));
        assertEquals(dependent.paper().value(), ((Number) paper.get("value_nats")).doubleValue(), 1e-12);
        assertEquals(EPOCHS, ((List<?>) paper.get("history")).size());
        assertTrue(json.get("notes").toString().contains("only 2 epochs"), json.get("notes").toString());
        assertEquals(96, ((Number) json.get("train_images")).intValue());
        assertEquals(32, ((Number) json.get("eval_images")).intValue());
    }

    private static List<Double> numbers(Object list) {
        return ((List<?>) list).stream().map(v -> ((Number) v).doubleValue()).toList();
    }
}
