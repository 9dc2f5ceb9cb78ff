package org.siftfunnel.engine.nn.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The attention blocks' state-dict names and shapes match the paper's PyTorch model. The
 * expected lines are the attention entries of golden/siftfunnel_cnn.safetensors (its
 * {@code param.} prefix removed), in the file's order, for the 1-channel, ndf 64 CNN:
 * SE(64, 32) → triplet, SE(12, 4) → CBAM(12, 6), cloud triplet.
 */
class AttentionNamesTest {
    private static final List<String> GOLDEN = List.of(
            "se_block1.fc.0.weight [2, 64]",
            "se_block1.fc.2.weight [64, 2]",
            "triplet.cw.conv.conv.weight [1, 2, 7, 7]",
            "triplet.cw.conv.bn.weight [1]",
            "triplet.cw.conv.bn.bias [1]",
            "triplet.cw.conv.bn.running_mean [1]",
            "triplet.cw.conv.bn.running_var [1]",
            "triplet.hc.conv.conv.weight [1, 2, 7, 7]",
            "triplet.hc.conv.bn.weight [1]",
            "triplet.hc.conv.bn.bias [1]",
            "triplet.hc.conv.bn.running_mean [1]",
            "triplet.hc.conv.bn.running_var [1]",
            "triplet.hw.conv.conv.weight [1, 2, 7, 7]",
            "triplet.hw.conv.bn.weight [1]",
            "triplet.hw.conv.bn.bias [1]",
            "triplet.hw.conv.bn.running_mean [1]",
            "triplet.hw.conv.bn.running_var [1]",
            "se_block2.fc.0.weight [3, 12]",
            "se_block2.fc.2.weight [12, 3]",
            "cbam.ca.fc1.weight [2, 12, 1, 1]",
            "cbam.ca.fc2.weight [12, 2, 1, 1]",
            "cbam.sa.conv1.weight [1, 2, 7, 7]",
            "triplet_cloud.cw.conv.conv.weight [1, 2, 7, 7]",
            "triplet_cloud.cw.conv.bn.weight [1]",
            "triplet_cloud.cw.conv.bn.bias [1]",
            "triplet_cloud.cw.conv.bn.running_mean [1]",
            "triplet_cloud.cw.conv.bn.running_var [1]",
            "triplet_cloud.hc.conv.conv.weight [1, 2, 7, 7]",
            "triplet_cloud.hc.conv.bn.weight [1]",
            "triplet_cloud.hc.conv.bn.bias [1]",
            "triplet_cloud.hc.conv.bn.running_mean [1]",
            "triplet_cloud.hc.conv.bn.running_var [1]",
            "triplet_cloud.hw.conv.conv.weight [1, 2, 7, 7]",
            "triplet_cloud.hw.conv.bn.weight [1]",
            "triplet_cloud.hw.conv.bn.bias [1]",
            "triplet_cloud.hw.conv.bn.running_mean [1]",
            "triplet_cloud.hw.conv.bn.running_var [1]");

    /** The paper's attention blocks under the CNN's attribute names, in its registration order. */
    private static final class Blocks extends Module {
        Blocks(RandomSource rng) {
            registerModule("se_block1", new SEModule(64, 32, rng));
            registerModule("triplet", new TripletAttention(rng));
            registerModule("se_block2", new SEModule(12, 4, rng));
            registerModule("cbam", new CBAM(12, 6, rng));
            registerModule("triplet_cloud", new TripletAttention(rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("a name holder");
        }
    }

    @Test
    void namesAndShapesMatchThePyTorchModel() {
        List<String> actual = new ArrayList<>();
        new Blocks(new RandomSource(1)).stateDict().forEach((k, v) -> actual.add(k + " " + Arrays.toString(v.shape())));
        assertEquals(GOLDEN, actual);
    }

    @Test
    void parameterCountsMatchThePaperBlocks() {
        RandomSource rng = new RandomSource(2);
        assertEquals(2 * 64 * 2, new SEModule(64, 32, rng).parameterCount());
        // Each gate: a 2→1 7×7 conv (98) and BN γ, β (2).
        assertEquals(3 * 100, new TripletAttention(rng).parameterCount());
        assertEquals(2 * 100, new TripletAttention(true, rng).parameterCount());
        assertEquals(2 * 12 * 2 + 98, new CBAM(12, 6, rng).parameterCount());
    }

    @Test
    void gatesUseTheTripletBatchNormSettings() {
        TripletAttention t = new TripletAttention(new RandomSource(3));
        BasicConv conv = (BasicConv) t.namedModules().get("cw.conv");
        org.siftfunnel.engine.nn.BatchNorm bn = (org.siftfunnel.engine.nn.BatchNorm) conv.namedChildren().get("bn");
        assertEquals(0.01f, bn.momentum());
        assertEquals(1e-5f, bn.eps());
    }
}
