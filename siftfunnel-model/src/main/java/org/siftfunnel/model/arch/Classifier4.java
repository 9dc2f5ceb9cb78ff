package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The undefended 4-block CNN of the paper's code ({@code Classifier_4}), split after block 2.
 * Each block is Conv3×3 (with bias) → BatchNorm → MaxPool2 → ReLU with ndf, 2·ndf, 4·ndf, 8·ndf
 * channels; the head is Linear(8·ndf·(s/16)² → 5·classes) → Dropout(0.5) →
 * Linear(5·classes → classes) → log-softmax.
 *
 * <p>Edge: {@code block1}, {@code block2}; Z = 2·ndf × s/4 × s/4 (128×16×16 at 64×64 input).
 * Cloud: {@code block3}, {@code block4}, {@code fc}. Within a block the layers are numbered
 * as in PyTorch's {@code nn.Sequential} ({@code block1.0} conv, {@code block1.1} BatchNorm).
 * With ndf = 64 the edge has 74,880 parameters for greyscale input and 76,032 for RGB.
 */
public final class Classifier4 extends SplitModel {
    /** The paper's base width. */
    public static final int DEFAULT_NDF = 64;
    /** Dropout probability of the head in the paper's code. */
    public static final float HEAD_DROPOUT = 0.5f;

    public Classifier4(ArchConfig config, int ndf, RandomSource rng) {
        super("cnn/none", config, edge(config, ndf, rng), cloud(config, ndf, rng),
                new int[] {2 * ndf, config.imageSize() / 4, config.imageSize() / 4});
    }

    /** With ndf = 64. */
    public Classifier4(ArchConfig config, RandomSource rng) {
        this(config, DEFAULT_NDF, rng);
    }

    private static Stage edge(ArchConfig config, int ndf, RandomSource rng) {
        if (ndf < 1) {
            throw new IllegalArgumentException("Classifier4: ndf must be ≥ 1, got " + ndf);
        }
        return new Stage()
                .add("block1", Blocks.convBnPoolRelu(config.channels(), ndf, rng))
                .add("block2", Blocks.convBnPoolRelu(ndf, 2 * ndf, rng));
    }

    private static Stage cloud(ArchConfig config, int ndf, RandomSource rng) {
        int side = config.imageSize() / 16;
        return new Stage()
                .add("block3", Blocks.convBnPoolRelu(2 * ndf, 4 * ndf, rng))
                .add("block4", Blocks.convBnPoolRelu(4 * ndf, 8 * ndf, rng))
                .add("flatten", new Flatten())
                .add("fc", Blocks.cnnHead(8 * ndf * side * side, config.classes(), config.dropout(HEAD_DROPOUT), rng))
                .add("log_softmax", new LogSoftmax(1));
    }
}
