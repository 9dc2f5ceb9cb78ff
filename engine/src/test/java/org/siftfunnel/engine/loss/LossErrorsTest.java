package org.siftfunnel.engine.loss;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/** Invalid arguments fail with messages that name the loss and the offending shapes or values; NaN is detected. */
class LossErrorsTest {
    private static final Backend BE = Backends.reference();

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @Test
    void mismatchedBatchSizes() {
        Tensor x = Tensor.zeros(BE, 4, 3);
        Tensor z = Tensor.zeros(BE, 5, 2);
        assertMessage(() -> Losses.distanceCorrelation(x, z, true), "dcor2", "batch sizes differ", "[4, 3]", "[5, 2]");
        assertMessage(() -> Losses.hsicGaussian(x, z, 1f, 1f), "hsic_gaussian", "batch sizes differ");
        assertMessage(() -> Losses.nll(x, new int[] {0, 1, 2}), "nll", "3 labels for 4 samples");
        assertMessage(() -> Losses.crossEntropy(x, Tensor.zeros(BE, 5)), "labels must be [4]", "[5]");
        assertMessage(() -> Losses.mse(x, Tensor.zeros(BE, 4, 2)), "mse", "same shape", "[4, 3]", "[4, 2]");
        assertMessage(() -> Losses.l1(x, Tensor.zeros(BE, 3, 3)), "l1", "same shape");
    }

    @Test
    void tooFewSamples() {
        assertMessage(() -> Losses.distanceCorrelation(Tensor.zeros(BE, 1, 3), Tensor.zeros(BE, 1, 2), false),
                "dcor", "at least 2 samples");
    }

    @Test
    void wrongRanks() {
        assertMessage(() -> Losses.nll(Tensor.zeros(BE, 4), new int[] {0}), "nll", "log-probabilities must be [N, K]", "[4]");
        assertMessage(() -> Losses.klToSmoothedLabels(Tensor.zeros(BE, 2, 3, 1), new int[] {0, 1}, 0.1f), "kl_smoothed", "logits must be [N, K]");
        assertMessage(() -> Losses.pearsonChannels(Tensor.zeros(BE, 2, 3, 4)), "pearson_channels", "[B, C, H, W]", "[2, 3, 4]");
        assertMessage(() -> Losses.totalVariation(Tensor.zeros(BE, 3, 4, 4)), "total_variation", "[B, C, H, W]");
        assertMessage(() -> Losses.nll(Tensor.zeros(BE, 2, 3), Tensor.zeros(BE, 2, 1)), "labels must be [2]", "[2, 1]");
    }

    @Test
    void degenerateSizes() {
        assertMessage(() -> Losses.totalVariation(Tensor.zeros(BE, 1, 1, 1, 5)), "total_variation", "2×2");
        assertMessage(() -> Losses.pearsonChannels(Tensor.zeros(BE, 1, 3, 1, 1)), "pearson_channels", "2 spatial positions");
        assertMessage(() -> Losses.pearsonChannels(Tensor.zeros(BE, 1, 1, 2, 2), false), "2 channels");
        assertMessage(() -> Losses.klToSmoothedLabels(Tensor.zeros(BE, 2, 1), new int[] {0, 0}, 0.1f), "2 classes");
    }

    @Test
    void labelsOutOfRange() {
        Tensor logits = Tensor.zeros(BE, 2, 3);
        assertMessage(() -> Losses.crossEntropy(logits, new int[] {0, 3}), "cross_entropy", "label 3 at index 1", "[0, 3)");
        assertMessage(() -> Losses.nll(logits, new int[] {-1, 0}), "label -1 at index 0");
        assertMessage(() -> Losses.nll(logits, Tensor.of(BE, new float[] {0f, 1.5f}, 2)), "not a whole number");
        assertMessage(() -> Losses.klToSmoothedLabels(logits, Tensor.of(BE, new float[] {7f, 0f}, 2), 0.1f),
                "kl_smoothed", "label 7 at index 0");
    }

    @Test
    void invalidHyperParameters() {
        Tensor logits = Tensor.zeros(BE, 2, 3);
        assertMessage(() -> Losses.klToSmoothedLabels(logits, new int[] {0, 1}, 1.5f), "smoothing", "[0, 1]");
        assertMessage(() -> Losses.hsicGaussian(logits, logits, 0f, 1f), "sigmaX", "positive");
        assertMessage(() -> Losses.hsicGaussian(logits, logits, 1f, Float.NaN), "sigmaZ");
    }

    @Test
    void checkFiniteReportsNaNAndInfinity() {
        Tensor finite = Tensor.scalar(1.5f);
        assertSame(finite, Losses.checkFinite("task", finite, 3));
        ArithmeticException nan = assertThrows(ArithmeticException.class,
                () -> Losses.checkFinite("dcor", Tensor.scalar(Float.NaN), 17));
        assertTrue(nan.getMessage().contains("dcor loss is NaN at step 17"), nan.getMessage());
        ArithmeticException inf = assertThrows(ArithmeticException.class,
                () -> Losses.checkFinite("task", Tensor.scalar(Float.NEGATIVE_INFINITY)));
        assertTrue(inf.getMessage().contains("task loss is -Inf"), inf.getMessage());
    }

    @Test
    void nanInputsPropagateToCheckFiniteInsteadOfBeingMaskedAsDegenerate() {
        Tensor x = Tensor.of(BE, new float[] {Float.NaN, 0f, 1f, 2f}, 4, 1);
        Tensor z = Tensor.of(BE, new float[] {0f, 1f, 3f, 2f}, 4, 1);
        Tensor loss = Losses.distanceCorrelation(x, z, true);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> Losses.checkFinite("dcor2", loss, 0));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
