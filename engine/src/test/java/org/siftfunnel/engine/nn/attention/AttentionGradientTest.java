package org.siftfunnel.engine.nn.attention;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradCheck;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.NnTesting;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Finite-difference checks of the paper's attention blocks with respect to the input and
 * every parameter. Inputs are a shuffled grid of distinct values 0.025 apart, so the max
 * pools (ZPool, CBAM) have no ties a step of h = 0.01 could cross.
 */
class AttentionGradientTest {
    private static final double H = 1e-2;
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-2;

    private static void check(String name, Module module, Tensor x) {
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.addAll(module.parameters());
        GradCheck.assertGradients(name, in -> module.forward(in[0]), H, ATOL, RTOL, inputs.toArray(new Tensor[0]));
    }

    private static Tensor input(long seed) {
        return NnTesting.spaced(seed, 0.025f, 2, 4, 5, 6);
    }

    @Test
    void seModule() {
        check("SEModule", new SEModule(4, 2, new RandomSource(1)), input(2));
    }

    @Test
    void cbam() {
        check("CBAM", new CBAM(4, 2, new RandomSource(3)), input(4));
    }

    @Test
    void tripletAttentionTraining() {
        TripletAttention t = new TripletAttention(new RandomSource(5));
        AttentionReferenceTest.randomise(t, 6);
        check("TripletAttention train", t, input(7));
    }

    @Test
    void tripletAttentionEval() {
        TripletAttention t = new TripletAttention(new RandomSource(8));
        AttentionReferenceTest.randomise(t, 9);
        t.eval();
        check("TripletAttention eval", t, input(10));
    }
}
