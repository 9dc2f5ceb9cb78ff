package org.siftfunnel.model.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;

/**
 * The inference-time noise and dropout defenses: their statistics, determinism under a seed,
 * and that they reuse the undefended model.
 */
class FeaturePerturbationDefenseTest {
    /** 32,768 values: sampling errors of the statistics below are about 0.5% of σ. */
    private static final int[] SHAPE = {32, 16, 8, 8};
    private static final int N = 32 * 16 * 8 * 8;

    private static Tensor constant(float v) {
        return Tensor.full(Backends.getDefault(), v, SHAPE);
    }

    @Test
    void noiseHasZeroMeanAndStandardDeviationSigma() {
        float sigma = 0.8f;
        GaussianNoiseDefense noise = new GaussianNoiseDefense(sigma);
        float[] out = noise.perturb(constant(2f), new RandomSource(9)).toArray();
        double sum = 0;
        double sq = 0;
        for (float v : out) {
            double d = v - 2.0;
            sum += d;
            sq += d * d;
        }
        double mean = sum / N;
        double std = Math.sqrt(sq / N - mean * mean);
        // 5 standard errors: σ/√N for the mean, about σ/√(2N) for the standard deviation.
        assertEquals(0, mean, 5 * sigma / Math.sqrt(N));
        assertEquals(sigma, std, 5 * sigma / Math.sqrt(2.0 * N));
    }

    @Test
    void noiseIsRepeatableWithASeedAndDiffersAcrossSeeds() {
        GaussianNoiseDefense noise = new GaussianNoiseDefense(0.5);
        Tensor z = constant(1f);
        float[] a = noise.perturb(z, new RandomSource(4)).toArray();
        float[] b = noise.perturb(z, new RandomSource(4)).toArray();
        float[] c = noise.perturb(z, new RandomSource(5)).toArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void zeroNoiseReturnsTheFeatures() {
        Tensor z = constant(1f);
        assertSame(z, new GaussianNoiseDefense(0).perturb(z, new RandomSource(1)));
    }

    @Test
    void dropoutZeroesTheRateAndKeepsTheRestUnscaled() {
        float rate = 0.8f;
        FeatureDropoutDefense dropout = new FeatureDropoutDefense(rate);
        float[] out = dropout.perturb(constant(3f), new RandomSource(12)).toArray();
        int zeros = 0;
        for (float v : out) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(3f, v, "a kept value must not be rescaled by 1/(1 − r)");
            }
        }
        double observed = zeros / (double) N;
        assertEquals(rate, observed, 5 * Math.sqrt(rate * (1 - rate) / N));
    }

    @Test
    void dropoutIsRepeatableWithASeedAndDiffersAcrossSeeds() {
        FeatureDropoutDefense dropout = new FeatureDropoutDefense(0.5);
        Tensor z = constant(1f);
        float[] a = dropout.perturb(z, new RandomSource(8)).toArray();
        assertArrayEquals(a, dropout.perturb(z, new RandomSource(8)).toArray());
        assertFalse(Arrays.equals(a, dropout.perturb(z, new RandomSource(81)).toArray()));
    }

    @Test
    void bothUseTheUndefendedModelAndTheirSettings() {
        Defense noise = Defenses.create(DefenseFixtures.settings("noise").set("noise-sigma", "0.3"));
        Defense dropout = Defenses.create(DefenseFixtures.settings("dropout").set("dropout-rate", "0.6"));
        assertEquals(Map.of("sigma", 0.3), noise.parameters());
        assertEquals(Map.of("rate", 0.6), dropout.parameters());
        for (Defense d : new Defense[] {noise, dropout}) {
            assertEquals("none", d.trainedModel());
            SplitModel m = d.build("cnn", DefenseFixtures.CONFIG, new RandomSource(1));
            assertEquals("cnn/none", m.name());
            // Training under this name is the undefended step: one NLL term.
            Defense.StepResult step = d.trainingLoss(m.train(), DefenseFixtures.images(1), DefenseFixtures.labels());
            assertEquals(java.util.List.of("task"), java.util.List.copyOf(step.terms().terms().keySet()));
        }
        assertEquals(0.8, Defenses.create(DefenseFixtures.settings("noise")).parameters().get("sigma"));
        assertEquals(0.8, Defenses.create(DefenseFixtures.settings("dropout")).parameters().get("rate"));
    }

    @Test
    void rejectsInvalidStrengths() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianNoiseDefense(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianNoiseDefense(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new FeatureDropoutDefense(1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FeatureDropoutDefense(-0.2));
        assertTrue(e.getMessage().contains("rate"), e.getMessage());
    }
}
