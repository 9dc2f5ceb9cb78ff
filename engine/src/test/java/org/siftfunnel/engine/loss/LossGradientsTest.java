package org.siftfunnel.engine.loss;

import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradCheck;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Finite-difference checks of every loss's gradient on small random inputs. */
class LossGradientsTest {
    private static final Backend BE = Backends.reference();
    private static final double H = 1e-2;
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-2;

    private static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(BE, new RandomSource(seed), lo, hi, shape);
    }

    private static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.assertGradients(name, f, H, ATOL, RTOL, inputs);
    }

    @Test
    void nllAndCrossEntropy() {
        int[] labels = {2, 0, 3};
        check("nll", in -> Losses.nll(in[0], labels), uniform(1, -3f, 0f, 3, 4));
        check("cross_entropy", in -> Losses.crossEntropy(in[0], labels), uniform(2, -2f, 2f, 3, 4));
    }

    @Test
    void klToSmoothedLabels() {
        int[] labels = {1, 4, 0};
        check("kl_smoothed", in -> Losses.klToSmoothedLabels(in[0], labels, 0.3f), uniform(3, -2f, 2f, 3, 5));
    }

    @Test
    void regressionLosses() {
        check("mse", in -> Losses.mse(in[0], in[1]), uniform(4, -1f, 1f, 2, 3), uniform(5, -1f, 1f, 2, 3));
        // Keep a − b well away from the kink of |·| at 0.
        check("l1", in -> Losses.l1(in[0], in[1]), uniform(6, 0.5f, 1f, 2, 3), uniform(7, -1f, -0.5f, 2, 3));
        Tensor mixedSigns = Tensor.of(BE, new float[] {0.7f, -0.4f, 1.2f, -0.9f, 0.3f, -0.6f}, 2, 3);
        check("mean_abs", in -> Losses.meanAbs(in[0]), mixedSigns);
    }

    @Test
    void distanceCorrelation() {
        check("dcor2", in -> Losses.distanceCorrelation(in[0], in[1], true),
                uniform(8, -1f, 1f, 5, 2, 2), uniform(9, -1f, 1f, 5, 3));
        check("dcor", in -> Losses.distanceCorrelation(in[0], in[1], false),
                uniform(10, -1f, 1f, 5, 3), uniform(11, -1f, 1f, 5, 2));
    }

    @Test
    void pearsonChannels() {
        check("pearson_channels", in -> Losses.pearsonChannels(in[0]), uniform(12, -1f, 1f, 2, 3, 2, 3));
        check("pearson_channels_off_diagonal", in -> Losses.pearsonChannels(in[0], false), uniform(13, -1f, 1f, 2, 3, 2, 3));
    }

    @Test
    void totalVariation() {
        check("total_variation", in -> Losses.totalVariation(in[0]), uniform(14, 0f, 1f, 2, 2, 3, 4));
    }

    @Test
    void hsicGaussian() {
        check("hsic_gaussian", in -> Losses.hsicGaussian(in[0], in[1], 1f, 2f),
                uniform(15, -1f, 1f, 5, 3), uniform(16, -1f, 1f, 5, 2));
    }

    @Test
    void donskerVaradhan() {
        check("donsker_varadhan", in -> Losses.donskerVaradhan(in[0], in[1]),
                uniform(17, -2f, 2f, 6), uniform(18, -2f, 2f, 6));
    }
}
