package org.siftfunnel.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.nn.attention.MultiHeadSelfAttention;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class InitTest {
    private static float maxAbs(Tensor t) {
        float m = 0;
        for (float v : t.toArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double meanSquare(Tensor t) {
        double s = 0;
        float[] v = t.toArray();
        for (float x : v) {
            s += (double) x * x;
        }
        return s / v.length;
    }

    /** Uniform in ±bound: every value inside, the extremes close to the bound, variance bound²/3. */
    private static void assertUniform(String what, Tensor t, double bound) {
        assertTrue(maxAbs(t) <= bound, what + ": max |value| " + maxAbs(t) + " exceeds bound " + bound);
        assertTrue(maxAbs(t) > 0.95 * bound, what + ": max |value| " + maxAbs(t) + " far below bound " + bound);
        assertEquals(bound * bound / 3, meanSquare(t), 0.1 * bound * bound / 3, what + ": variance");
    }

    @Test
    void sameSeedGivesSameWeightsAndOtherSeedsDiffer() {
        Map<String, Tensor> a = new TinyNet(11).stateDict();
        Map<String, Tensor> b = new TinyNet(11).stateDict();
        Map<String, Tensor> c = new TinyNet(12).stateDict();
        for (String k : a.keySet()) {
            NnTesting.assertBitEqual(k, a.get(k), b.get(k));
        }
        assertFalse(Arrays.equals(a.get("fc.0.weight").toArray(), c.get("fc.0.weight").toArray()));
    }

    @Test
    void fansFollowPyTorch() {
        assertEquals(3 * 25, Init.fanIn(8, 3, 5, 5));
        assertEquals(8 * 25, Init.fanOut(8, 3, 5, 5));
        assertEquals(7, Init.fanIn(4, 7));
        assertEquals(4, Init.fanOut(4, 7));
    }

    @Test
    void convAndLinearUseKaimingUniformWithBoundOneOverSqrtFanIn() {
        RandomSource rng = new RandomSource(3);
        Conv2d conv = new Conv2d(16, 32, 3, 1, 1, true, rng);
        assertUniform("conv weight", conv.weight(), 1 / Math.sqrt(16 * 9));
        Linear lin = new Linear(50, 400, rng);
        assertArrayEquals(new int[] {400, 50}, lin.weight().shape());
        assertUniform("linear weight", lin.weight(), 1 / Math.sqrt(50));
        assertUniform("linear bias", lin.bias(), 1 / Math.sqrt(50));
    }

    @Test
    void transposedConvTakesFanInFromItsOutputChannelsAsPyTorch() {
        ConvTranspose2d convT = new ConvTranspose2d(4, 64, 3, 2, 1, 1, true, new RandomSource(4));
        assertArrayEquals(new int[] {4, 64, 3, 3}, convT.weight().shape());
        assertUniform("convT weight", convT.weight(), 1 / Math.sqrt(64 * 9));
    }

    @Test
    void kaimingGainDependsOnSlope() {
        Tensor w = Init.kaimingUniform(new RandomSource(5), 0.0, 200, 30);
        assertUniform("kaiming a=0", w, Math.sqrt(6.0 / 30));
    }

    @Test
    void batchAndLayerNormStartAsIdentity() {
        BatchNorm2d bn = new BatchNorm2d(4);
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.weight().toArray());
        assertArrayEquals(new float[] {0, 0, 0, 0}, bn.bias().toArray());
        assertArrayEquals(new float[] {0, 0, 0, 0}, bn.runningMean().toArray());
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.runningVar().toArray());
        LayerNorm ln = new LayerNorm(3);
        assertArrayEquals(new float[] {1, 1, 1}, ln.weight().toArray());
        assertArrayEquals(new float[] {0, 0, 0}, ln.bias().toArray());
    }

    @Test
    void attentionProjectionsUseOneXavierDrawAndZeroBiases() {
        int e = 64;
        MultiHeadSelfAttention mha = new MultiHeadSelfAttention(e, 4, new RandomSource(6));
        Map<String, Tensor> sd = mha.stateDict();
        Tensor packed = Tensor.concat(0, sd.get("q_proj.weight"), sd.get("k_proj.weight"), sd.get("v_proj.weight"));
        assertUniform("packed in-projection", packed, Math.sqrt(6.0 / (e + 3 * e)));
        for (String b : new String[] {"q_proj.bias", "k_proj.bias", "v_proj.bias", "out_proj.bias"}) {
            assertEquals(0f, maxAbs(sd.get(b)), b);
        }
        assertUniform("out_proj weight", sd.get("out_proj.weight"), 1 / Math.sqrt(e));
    }
}
