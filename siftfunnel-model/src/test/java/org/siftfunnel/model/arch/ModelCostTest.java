package org.siftfunnel.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.ConvTranspose2d;
import org.siftfunnel.engine.nn.Dropout;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.MaxPool2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.attention.SEModule;
import org.siftfunnel.engine.random.RandomSource;

/** MAC counting: exact counts on small modules, and the edges of the paper's models against the spec's §7.2 table. */
class ModelCostTest {
    @Test
    void countsConvolutionsLinearLayersBatchNormAndAttentionProducts() {
        RandomSource rng = new RandomSource(1);
        // Conv 2→3, 3×3, padding 1 on 5×5: 3·5·5 outputs × 2·9 = 1,350; BN: 75; ReLU, pool: free;
        // Linear on 3·2·2 = 12 → 4: 48.
        Module net = new Sequential(new Conv2d(2, 3, 3, 1, 1, true, rng), new BatchNorm2d(3), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(12, 4, rng));
        ModelCost.Cost cost = ModelCost.measure(net, 1, 2, 5, 5);
        assertEquals(Map.of("conv2d", 1350L, "batch_norm", 75L, "linear", 48L), cost.macsByOp());
        assertEquals(1350 + 75 + 48, cost.macs());
        assertArrayEquals(new int[] {1, 4}, cost.outputShape());
        assertEquals(net.parameterCount(), cost.parameters());
        assertEquals(2 * (1350 + 75 + 48), ModelCost.macs(net, 2, 2, 5, 5), "linear in the batch");
        // A strided convolution costs its outputs only: 4 outputs per map on 5×5 with stride 2, no padding.
        assertEquals(3L * 2 * 2 * 2 * 9, ModelCost.macs(new Conv2d(2, 3, 3, 2, 0, false, rng), 1, 2, 5, 5));
        // Transposed: every input element meets C_out·k·k weights: 2·4·4 inputs × 3·2·2.
        assertEquals(2L * 16 * 3 * 4, ModelCost.macs(new ConvTranspose2d(2, 3, 2, 2, 0, 0, true, rng), 1, 2, 4, 4));
    }

    @Test
    void squeezeExcitationCountsItsTwoLinearLayersAndTheRescaling() {
        // SE(8, r=4): 8→2 and 2→8 linear layers (16 + 16 MACs) and 8·3·3 products.
        assertEquals(16 + 16 + 72, ModelCost.macs(new SEModule(8, 4, new RandomSource(2)), 1, 8, 3, 3));
    }

    @Test
    void measuringLeavesModesAndRunningStatisticsAlone() {
        RandomSource rng = new RandomSource(3);
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.runningMean().copyFrom(new float[] {0.5f, -0.5f});
        Module net = new Sequential(new Conv2d(1, 2, 3, 1, 1, true, rng), bn, new Dropout(0.5f, rng.fork()));
        float[] meanBefore = bn.runningMean().toArray();
        float[] varBefore = bn.runningVar().toArray();
        net.train();
        long inTraining = ModelCost.macs(net, 1, 1, 4, 4);
        assertTrue(net.isTraining() && bn.isTraining());
        net.eval();
        assertEquals(inTraining, ModelCost.macs(net, 1, 1, 4, 4), "dropout is off during the pass, whatever the mode");
        assertFalse(net.isTraining() || bn.isTraining());
        assertArrayEquals(meanBefore, bn.runningMean().toArray());
        assertArrayEquals(varBefore, bn.runningVar().toArray());
    }

    @Test
    void rejectsAnEmptyOrNonPositiveShape() {
        Module relu = new ReLU();
        assertThrows(IllegalArgumentException.class, () -> ModelCost.macs(relu));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCost.macs(relu, 1, 0, 4));
        assertTrue(e.getMessage().contains("[1, 0, 4]"), e.getMessage());
    }

    /**
     * The spec's edge costs (§7.2, RGB 64×64, "approximate: conv MACs plus small attention/BN
     * terms"; greyscale CNN SiftFunnel 6.2 M). The table rounds to three significant figures,
     * hence a 1% tolerance. The cheaper edges run at 64×64; the expensive ones at 32×32, where a
     * convolutional edge costs exactly a quarter (every term scales with H·W except the few
     * hundred MACs of the SE and CBAM MLPs).
     */
    @ParameterizedTest(name = "{0}/{1} nc={2} s={3}: {4} M at 64×64")
    @CsvSource({
            "cnn, siftfunnel, 1, 64, 6.2",
            "cnn, siftfunnel, 3, 64, 10.9",
            "cnn, none, 3, 64, 83.0",
            "vgg16, siftfunnel, 3, 64, 396",
            "resnet18, siftfunnel, 3, 64, 244",
            "vgg16, none, 3, 32, 385",
            "resnet18, none, 3, 32, 1150"})
    void edgeMacsMatchTheSpecTable(String backbone, String variant, int channels, int size, double megaMacsAt64) {
        SplitModel model = Models.shared(backbone, variant, channels, size);
        ModelCost.Cost cost = ModelCost.edge(model);
        double scale = (64.0 / size) * (64.0 / size);
        double got = cost.megaMacs() * scale;
        assertEquals(megaMacsAt64, got, 0.01 * megaMacsAt64, cost.toString());
        int[] f = model.featureShape();
        assertArrayEquals(new int[] {1, f[0], f[1], f[2]}, cost.outputShape(), "the edge's output is Z");
        assertEquals(model.edge().parameterCount(), cost.parameters());
    }

    @Test
    void siftFunnelCnnEdgeIsAboutSevenTimesCheaperThanTheUndefendedOne() {
        // Spec §7.2: 7.3× fewer parameters and 7.6× fewer MACs at 64×64 RGB.
        ModelCost.Cost undefended = ModelCost.edge(Models.shared("cnn", "none", 3, 64));
        ModelCost.Cost siftFunnel = ModelCost.edge(Models.shared("cnn", "siftfunnel", 3, 64));
        assertEquals(7.3, (double) undefended.parameters() / siftFunnel.parameters(), 0.05);
        assertEquals(7.6, (double) undefended.macs() / siftFunnel.macs(), 0.05);
        assertEquals(0.039, siftFunnel.parameterMegabytes(), 0.0005);
        assertEquals(0.290, undefended.parameterMegabytes(), 0.0005);
    }

    @Test
    void measuresAModuleOnTheBackendOfItsParameters() {
        Conv2d conv = new Conv2d(1, 1, 1, new RandomSource(4));
        conv.to(org.siftfunnel.engine.backend.Backends.reference());
        assertEquals(9, ModelCost.macs(conv, 1, 1, 3, 3));
        assertEquals(0, ModelCost.macs(new ReLU(), 1, 4), "a stateless module runs on the default backend");
    }
}
