package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.attention.CBAM;
import org.siftfunnel.engine.nn.attention.SEModule;
import org.siftfunnel.engine.nn.attention.TripletAttention;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The SiftFunnel VGG16-BN of the paper's code ({@code vgg16_bn_pv4}, spec §5.3(b)), split
 * after the funnel (the spec's {@code feat[2]}): Z = 4 × s/4 × s/4 (4×16×16 at 64×64).
 *
 * <pre>
 * edge   block1      [Conv3×3 nc→64, BN, ReLU, Conv3×3 64→64, BN, ReLU, MaxPool2]   64 × s/2
 *        se_block1   SE(64, 16)            triplet1  TripletAttention
 *        block2      [Conv3×3 64→128, BN, ReLU, Conv3×3 128→128, BN, ReLU, MaxPool2] 128 × s/4
 *        se_block2   SE(128, 32)           triplet2  TripletAttention
 *        block3_mix  0 Conv3×3 128→32 (no bias), 1 BN, 2 ReLU, 3 Conv1×1 32→4, 4 Conv3×3,
 *                    5 SiLU, 6 Conv1×1, 7 Conv3×3, 8 Conv5×5, 9 ReLU                 4 × s/4
 *        se_block3   SE(4, 4)              cbam      CBAM(4, ratio 4)              Z
 * cloud  up          Up(4 → 256)           triplet_cloud TripletAttention
 *        block3      [Conv3×3 256→256, BN, ReLU] ×2, MaxPool2   (the code's extra conv + [256, M])
 *        block4      [Conv3×3, BN, ReLU] ×3 to 512, MaxPool2
 *        block5      [Conv3×3, BN, ReLU] ×3 at 512, MaxPool2                   512 × s/32
 *        classifier  as {@link Vgg16Bn}, then log-softmax
 * </pre>
 * The backbone convolutions have no bias (the spec's "(no bias)"; the edge parameter count of
 * §7.2, 300,574 for RGB, confirms it); the funnel's convolutions after the first have bias.
 * The cloud's convolutions are taken without bias as well (the spec does not say; it does not
 * affect the edge). Names follow the paper's CNN where the spec gives none; see
 * {@link Vgg16Bn} for the backbone naming.
 */
public final class SiftFunnelVgg16Bn extends SplitModel {
    /** Channels of the funnel and of Z. */
    public static final int FUNNEL_WIDTH = 4;
    /** Channels of the 3×3 squeeze before the funnel. */
    public static final int SQUEEZE_CHANNELS = 32;

    public SiftFunnelVgg16Bn(ArchConfig config, RandomSource rng) {
        super("vgg16/siftfunnel", config, edge(config, rng), cloud(config, rng),
                new int[] {FUNNEL_WIDTH, config.imageSize() / 4, config.imageSize() / 4});
    }

    private static Stage edge(ArchConfig config, RandomSource rng) {
        config.requireImageSizeAtLeast(Vgg16Bn.MIN_IMAGE_SIZE, "SiftFunnelVgg16Bn");
        Sequential mix = new Sequential();
        Blocks.appendConvBnRelu(mix, 128, SQUEEZE_CHANNELS, 1, false, rng);
        Blocks.appendFunnel(mix, SQUEEZE_CHANNELS, FUNNEL_WIDTH, rng);
        return new Stage()
                .add("block1", Blocks.vggBlock(config.channels(), 64, 2, false, rng))
                .add("se_block1", new SEModule(64, 16, rng))
                .add("triplet1", new TripletAttention(rng))
                .add("block2", Blocks.vggBlock(64, 128, 2, false, rng))
                .add("se_block2", new SEModule(128, 32, rng))
                .add("triplet2", new TripletAttention(rng))
                .add("block3_mix", mix)
                .add("se_block3", new SEModule(FUNNEL_WIDTH, 4, rng))
                .add("cbam", new CBAM(FUNNEL_WIDTH, 4, rng));
    }

    private static Stage cloud(ArchConfig config, RandomSource rng) {
        int side = Blocks.halved(config.imageSize(), 5);
        return new Stage()
                .add("up", new Up(FUNNEL_WIDTH, 256, rng))
                .add("triplet_cloud", new TripletAttention(rng))
                .add("block3", Blocks.vggBlock(256, 256, 2, false, rng))
                .add("block4", Blocks.vggBlock(256, 512, 3, false, rng))
                .add("block5", Blocks.vggBlock(512, 512, 3, false, rng))
                .add("flatten", new Flatten())
                .add("classifier", Blocks.vggHead(512 * side * side, config.classes(), config, rng))
                .add("log_softmax", new LogSoftmax(1));
    }
}
