package org.siftfunnel.engine.nn.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.nn.NnTesting;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** The attention blocks' forward passes against the plain-loop oracle {@link Naive}. */
class AttentionReferenceTest {
    private static final float RTOL = 1e-5f;
    private static final float ATOL = 2e-6f;

    /** Seeded values in [lo, hi) for every parameter; running statistics made non-trivial. */
    static void randomise(TripletAttention t, long seed) {
        RandomSource rng = new RandomSource(seed);
        t.namedParameters().forEach((n, p) -> {
            boolean gamma = n.endsWith("bn.weight");
            p.copyFrom(Tensor.rand(p.backend(), rng, gamma ? 0.5f : -0.3f, gamma ? 1.5f : 0.3f, p.shape()));
        });
        t.namedBuffers().forEach((n, b) -> b.copyFrom(Tensor.rand(b.backend(), rng,
                n.endsWith("var") ? 0.5f : -0.5f, n.endsWith("var") ? 2f : 0.5f, b.shape())));
    }

    private static Naive.Gate gate(Map<String, Tensor> sd, String name) {
        Naive.Gate g = new Naive.Gate();
        g.conv = Naive.floats(sd.get(name + ".conv.conv.weight"));
        g.gamma = sd.get(name + ".conv.bn.weight").item();
        g.beta = sd.get(name + ".conv.bn.bias").item();
        g.runningMean = sd.get(name + ".conv.bn.running_mean").item();
        g.runningVar = sd.get(name + ".conv.bn.running_var").item();
        return g;
    }

    @Test
    void seMatchesTheLoops() {
        SEModule se = new SEModule(6, 2, new RandomSource(1));
        Tensor x = NnTesting.uniform(2, -1f, 1f, 2, 6, 4, 5);
        Map<String, Tensor> sd = se.stateDict();
        Naive.A4 expected = Naive.se(Naive.A4.of(x), Naive.floats(sd.get("fc.0.weight")), Naive.floats(sd.get("fc.2.weight")), 3);
        NnTesting.assertClose("SE", expected.toTensor(), se.forward(x), RTOL, ATOL);
    }

    @Test
    void cbamMatchesTheLoops() {
        CBAM cbam = new CBAM(6, 3, new RandomSource(3));
        Tensor x = NnTesting.uniform(4, -1f, 1f, 2, 6, 5, 4);
        Map<String, Tensor> sd = cbam.stateDict();
        Naive.A4 expected = Naive.cbam(Naive.A4.of(x), Naive.floats(sd.get("ca.fc1.weight")), Naive.floats(sd.get("ca.fc2.weight")),
                2, Naive.floats(sd.get("sa.conv1.weight")));
        NnTesting.assertClose("CBAM", expected.toTensor(), cbam.forward(x), RTOL, ATOL);
    }

    @Test
    void tripletInEvalModeMatchesTheLoops() {
        TripletAttention t = new TripletAttention(new RandomSource(5));
        randomise(t, 6);
        t.eval();
        Tensor x = NnTesting.uniform(7, -1f, 1f, 2, 4, 5, 6);
        Map<String, Tensor> sd = t.stateDict();
        Naive.A4 expected = Naive.triplet(Naive.A4.of(x), gate(sd, "cw"), gate(sd, "hc"), gate(sd, "hw"), false);
        NnTesting.assertClose("triplet eval", expected.toTensor(), t.forward(x), RTOL, ATOL);
    }

    @Test
    void tripletInTrainingModeUsesBatchStatisticsAndUpdatesRunningOnesWithMomentum001() {
        TripletAttention t = new TripletAttention(new RandomSource(8));
        randomise(t, 9);
        Tensor x = NnTesting.uniform(10, -1f, 1f, 2, 4, 5, 6);
        Map<String, Tensor> sd = t.stateDict();
        Naive.Gate cw = gate(sd, "cw");
        Naive.Gate hc = gate(sd, "hc");
        Naive.Gate hw = gate(sd, "hw");
        Naive.A4 expected = Naive.triplet(Naive.A4.of(x), cw, hc, hw, true);
        NnTesting.assertClose("triplet train", expected.toTensor(), t.forward(x), 1e-4f, 1e-5f);
        Map<String, Tensor> after = t.stateDict();
        Map<String, Naive.Gate> gates = Map.of("cw", cw, "hc", hc, "hw", hw);
        gates.forEach((name, g) -> {
            assertEquals(g.updatedMean, after.get(name + ".conv.bn.running_mean").item(), 1e-6, name + " running_mean");
            assertEquals(g.updatedVar, after.get(name + ".conv.bn.running_var").item(), 1e-5 * g.updatedVar, name + " running_var");
        });
    }

    @Test
    void tripletWithoutSpatialGateAveragesTwoBranches() {
        TripletAttention t = new TripletAttention(true, new RandomSource(11));
        randomise(t, 12);
        t.eval();
        Tensor x = NnTesting.uniform(13, -1f, 1f, 1, 3, 4, 5);
        Map<String, Tensor> sd = t.stateDict();
        Naive.A4 a = Naive.A4.of(x);
        Naive.A4 outCw = Naive.gate(a.permute(0, 2, 1, 3), gate(sd, "cw"), false).permute(0, 2, 1, 3);
        Naive.A4 outHc = Naive.gate(a.permute(0, 3, 2, 1), gate(sd, "hc"), false).permute(0, 3, 2, 1);
        for (int i = 0; i < a.v.length; i++) {
            a.v[i] = (outCw.v[i] + outHc.v[i]) / 2;
        }
        NnTesting.assertClose("triplet no spatial", a.toTensor(), t.forward(x), RTOL, ATOL);
    }

    @Test
    void tripletAcceptsNonSquareInputsWithUnequalAxes() {
        // C, H and W all different, so a wrong permutation cannot go unnoticed by shape alone.
        TripletAttention t = new TripletAttention(new RandomSource(14));
        Tensor x = NnTesting.uniform(15, -1f, 1f, 2, 3, 7, 9);
        assertEquals(java.util.Arrays.toString(x.shape()), java.util.Arrays.toString(t.forward(x).shape()));
    }
}
