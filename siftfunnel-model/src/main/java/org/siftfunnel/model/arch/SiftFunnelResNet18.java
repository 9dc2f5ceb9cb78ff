package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.attention.CBAM;
import org.siftfunnel.engine.nn.attention.SEModule;
import org.siftfunnel.engine.nn.attention.TripletAttention;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The SiftFunnel ResNet-18 of the paper's code ({@code rn18_pv4}, spec §5.3(c)), split after
 * the funnel: Z = 6 × s/2 × s/2 (6×32×32 at 64×64, as the model code sends; spec §9.1, §10.2).
 *
 * <pre>
 * edge   conv1, bn1, relu  Stem Conv3×3 nc→64 (no bias), BN, ReLU                 64 × s
 *        se_block1   SE(64, 16)            triplet1  TripletAttention
 *        layer2_mix  0 Conv3×3 64→128 stride 2, 1 BN, 2 ReLU, 3 Conv3×3 128→128, 4 BN, 5 ReLU
 *                    (no bias, no residual)                                      128 × s/2
 *        se_block2   SE(128, 32)           triplet2  TripletAttention
 *        funnel      0 Conv1×1 128→32 (bias), 1 BN, 2 ReLU, 3 Conv1×1 32→6, 4 Conv3×3,
 *                    5 SiLU, 6 Conv1×1, 7 Conv3×3, 8 Conv5×5, 9 ReLU                6 × s/2
 *        se_block3   SE(6, 3)              cbam      CBAM(6, ratio 3)               Z
 * cloud  up          Up(6 → 128)           triplet_cloud TripletAttention
 *        layer3, layer4, avgpool, fc  as {@link ResNet18} (layer2 is not used)
 * </pre>
 *
 * <p><b>The dead layer1 is dropped.</b> The released code computes {@code layer1} (two basic
 * blocks, 147,968 parameters and about 600 M MACs at 64×64 RGB) and then feeds the stem's output
 * onward, so layer1 never affects Z or the prediction. This model leaves it out, as the project
 * decided (spec §9.2, §10.2): the edge has 231,832 parameters for RGB (379,800 with the dead
 * layer1). The bias of the funnel's first 1×1 convolution follows from that count.
 *
 * <p><b>Names.</b> The spec names only {@code layer2_mix}; the other attention blocks follow the
 * paper's CNN ({@code se_blockN}, {@code cbam}, {@code up}, {@code triplet_cloud}), numbered
 * where the edge has two; the backbone uses torchvision's names.
 */
public final class SiftFunnelResNet18 extends SplitModel {
    /** Channels of the funnel and of Z. */
    public static final int FUNNEL_WIDTH = 6;
    /** Channels of the 1×1 squeeze before the funnel. */
    public static final int SQUEEZE_CHANNELS = 32;
    /** Channels Up widens Z to (the width layer3 expects). */
    public static final int UP_CHANNELS = 128;

    public SiftFunnelResNet18(ArchConfig config, RandomSource rng) {
        super("resnet18/siftfunnel", config, edge(config, rng), cloud(config, rng),
                new int[] {FUNNEL_WIDTH, config.imageSize() / 2, config.imageSize() / 2});
    }

    private static Stage edge(ArchConfig config, RandomSource rng) {
        config.requireImageSizeAtLeast(ResNet18.MIN_IMAGE_SIZE, "SiftFunnelResNet18");
        Sequential layer2Mix = new Sequential();
        Blocks.appendConvBnRelu(layer2Mix, 64, 128, 2, false, rng);
        Blocks.appendConvBnRelu(layer2Mix, 128, 128, 1, false, rng);
        Sequential funnel = new Sequential(
                new Conv2d(128, SQUEEZE_CHANNELS, 1, 1, 0, true, rng), new BatchNorm2d(SQUEEZE_CHANNELS), new ReLU());
        Blocks.appendFunnel(funnel, SQUEEZE_CHANNELS, FUNNEL_WIDTH, rng);
        return new Stage()
                .add("conv1", new Conv2d(config.channels(), 64, 3, 1, 1, false, rng))
                .add("bn1", new BatchNorm2d(64))
                .add("relu", new ReLU())
                .add("se_block1", new SEModule(64, 16, rng))
                .add("triplet1", new TripletAttention(rng))
                .add("layer2_mix", layer2Mix)
                .add("se_block2", new SEModule(128, 32, rng))
                .add("triplet2", new TripletAttention(rng))
                .add("funnel", funnel)
                .add("se_block3", new SEModule(FUNNEL_WIDTH, 3, rng))
                .add("cbam", new CBAM(FUNNEL_WIDTH, 3, rng));
    }

    private static Stage cloud(ArchConfig config, RandomSource rng) {
        Stage stage = new Stage()
                .add("up", new Up(FUNNEL_WIDTH, UP_CHANNELS, rng))
                .add("triplet_cloud", new TripletAttention(rng));
        return ResNet18.appendTail(stage, config, UP_CHANNELS, rng);
    }
}
