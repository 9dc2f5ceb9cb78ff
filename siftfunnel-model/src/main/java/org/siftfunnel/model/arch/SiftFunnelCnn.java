package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.nn.MaxPool2d;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.attention.CBAM;
import org.siftfunnel.engine.nn.attention.SEModule;
import org.siftfunnel.engine.nn.attention.TripletAttention;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The SiftFunnel 4-block CNN of the paper's code ({@code pv4_classifier_4}), layer for layer
 * (paper spec §5.3(a)), with its PyTorch state-dict names. With s the input side and ndf = 64:
 *
 * <pre>
 * edge   block1      Conv3×3 nc→64 (bias), BN, MaxPool2, ReLU             64 × s/2 × s/2
 *        se_block1   SE(64, r = 32)
 *        triplet     TripletAttention
 *        block2_mix  0 Conv1×1 64→16, 1 BN, 2 ReLU, 3 MaxPool2,
 *                    4 Conv1×1 16→12, 5 Conv3×3, 6 SiLU, 7 Conv1×1, 8 Conv3×3,
 *                    9 Conv5×5 (pad 2), 10 ReLU (all convs with bias)       12 × s/4 × s/4
 *        se_block2   SE(12, r = 4)
 *        cbam        CBAM(12, ratio 6)                                     Z: 12 × s/4 × s/4
 * cloud  up          Up(12 → 128)
 *        triplet_cloud TripletAttention
 *        block3      Conv3×3 128→256, BN, MaxPool2, ReLU
 *        block4      Conv3×3 256→512, BN, MaxPool2, ReLU                   512 × s/16 × s/16
 *        fc          0 Linear(512·(s/16)² → 5·classes), 1 Dropout(0.5), 2 Linear(→ classes)
 *        log-softmax
 * </pre>
 * The edge has 9,202 parameters for greyscale input and 10,354 for RGB (ndf = 64).
 */
public final class SiftFunnelCnn extends SplitModel {
    /** Channels after the 1×1 squeeze that opens the funnel. */
    public static final int SQUEEZE_CHANNELS = 16;
    /** Channels of the funnel and of Z. */
    public static final int FUNNEL_WIDTH = 12;

    public SiftFunnelCnn(ArchConfig config, int ndf, RandomSource rng) {
        super("cnn/siftfunnel", config, edge(config, ndf, rng), cloud(config, ndf, rng),
                new int[] {FUNNEL_WIDTH, config.imageSize() / 4, config.imageSize() / 4});
    }

    /** With ndf = 64. */
    public SiftFunnelCnn(ArchConfig config, RandomSource rng) {
        this(config, Classifier4.DEFAULT_NDF, rng);
    }

    private static Stage edge(ArchConfig config, int ndf, RandomSource rng) {
        if (ndf < 32) {
            throw new IllegalArgumentException("SiftFunnelCnn: ndf must be ≥ 32 (SE reduction 32), got " + ndf);
        }
        Sequential mix = new Sequential(
                new Conv2d(ndf, SQUEEZE_CHANNELS, 1, 1, 0, true, rng), new BatchNorm2d(SQUEEZE_CHANNELS), new ReLU(), new MaxPool2d(2));
        Blocks.appendFunnel(mix, SQUEEZE_CHANNELS, FUNNEL_WIDTH, rng);
        return new Stage()
                .add("block1", Blocks.convBnPoolRelu(config.channels(), ndf, rng))
                .add("se_block1", new SEModule(ndf, 32, rng))
                .add("triplet", new TripletAttention(rng))
                .add("block2_mix", mix)
                .add("se_block2", new SEModule(FUNNEL_WIDTH, 4, rng))
                .add("cbam", new CBAM(FUNNEL_WIDTH, 6, rng));
    }

    private static Stage cloud(ArchConfig config, int ndf, RandomSource rng) {
        int side = config.imageSize() / 16;
        return new Stage()
                .add("up", new Up(FUNNEL_WIDTH, 2 * ndf, rng))
                .add("triplet_cloud", new TripletAttention(rng))
                .add("block3", Blocks.convBnPoolRelu(2 * ndf, 4 * ndf, rng))
                .add("block4", Blocks.convBnPoolRelu(4 * ndf, 8 * ndf, rng))
                .add("flatten", new Flatten())
                .add("fc", Blocks.cnnHead(8 * ndf * side * side, config.classes(), config.dropout(Classifier4.HEAD_DROPOUT), rng))
                .add("log_softmax", new LogSoftmax(1));
    }
}
