package org.siftfunnel.engine.nn;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradCheck;
import org.siftfunnel.engine.nn.attention.MultiHeadSelfAttention;
import org.siftfunnel.engine.nn.attention.SelfAttentionBlock;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Finite-difference checks of every trainable layer, with respect to its input and all its parameters. */
class LayerGradientTest {
    private static final double H = 1e-2;
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-2;

    /** Checks d(module(x))/d(x, parameters...). */
    static void check(String name, Module module, Tensor x) {
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.addAll(module.parameters());
        GradCheck.assertGradients(name, in -> module.forward(in[0]), H, ATOL, RTOL, inputs.toArray(new Tensor[0]));
    }

    /** Replaces every parameter and buffer by seeded values in [lo, hi) (buffers: positive for variances). */
    static void randomise(Module module, long seed, float lo, float hi) {
        RandomSource rng = new RandomSource(seed);
        module.namedParameters().values().forEach(p -> p.copyFrom(Tensor.rand(p.backend(), rng, lo, hi, p.shape())));
        module.namedBuffers().forEach((n, b) -> b.copyFrom(
                Tensor.rand(b.backend(), rng, n.endsWith("var") ? 0.5f : -0.5f, n.endsWith("var") ? 1.5f : 0.5f, b.shape())));
    }

    @Test
    void conv2dStridedAndPadded() {
        check("Conv2d s2 p1", new Conv2d(2, 3, 3, 2, 1, true, new RandomSource(1)), NnTesting.uniform(2, -1f, 1f, 2, 2, 5, 6));
    }

    @Test
    void conv2dDilatedWithoutBias() {
        check("Conv2d d2", new Conv2d(2, 2, 3, 1, 2, 2, false, new RandomSource(3)), NnTesting.uniform(4, -1f, 1f, 1, 2, 5, 5));
    }

    @Test
    void convTranspose2dWithOutputPadding() {
        check("ConvTranspose2d s2 p1 op1", new ConvTranspose2d(2, 3, 3, 2, 1, 1, true, new RandomSource(5)),
                NnTesting.uniform(6, -1f, 1f, 2, 2, 3, 4));
    }

    @Test
    void linearOnASequence() {
        check("Linear", new Linear(4, 3, new RandomSource(7)), NnTesting.uniform(8, -1f, 1f, 2, 5, 4));
    }

    @Test
    void batchNorm2dTraining() {
        BatchNorm2d bn = new BatchNorm2d(3);
        randomise(bn, 9, 0.5f, 1.5f);
        check("BatchNorm2d train", bn, NnTesting.uniform(10, -1f, 1f, 4, 3, 2, 3));
    }

    @Test
    void batchNorm2dEval() {
        BatchNorm2d bn = new BatchNorm2d(3);
        randomise(bn, 11, 0.5f, 1.5f);
        bn.eval();
        check("BatchNorm2d eval", bn, NnTesting.uniform(12, -1f, 1f, 2, 3, 2, 3));
    }

    @Test
    void batchNorm1dTraining() {
        BatchNorm1d bn = new BatchNorm1d(3);
        randomise(bn, 13, 0.5f, 1.5f);
        check("BatchNorm1d train", bn, NnTesting.uniform(14, -1f, 1f, 5, 3));
    }

    @Test
    void layerNormOverTwoAxes() {
        LayerNorm ln = new LayerNorm(new int[] {3, 4}, 1e-5f, true);
        randomise(ln, 15, -1f, 1f);
        check("LayerNorm", ln, NnTesting.uniform(16, -1f, 1f, 2, 3, 4));
    }

    @Test
    void multiHeadSelfAttention() {
        MultiHeadSelfAttention mha = new MultiHeadSelfAttention(4, 2, new RandomSource(17));
        randomise(mha, 18, -0.7f, 0.7f);
        check("MultiHeadSelfAttention", mha, NnTesting.uniform(19, -1f, 1f, 2, 3, 4));
    }

    @Test
    void selfAttentionBlock() {
        SelfAttentionBlock block = new SelfAttentionBlock(4, 2, 6, new RandomSource(20));
        randomise(block, 21, -0.7f, 0.7f);
        check("SelfAttentionBlock", block, NnTesting.uniform(22, -1f, 1f, 2, 3, 4));
    }
}
