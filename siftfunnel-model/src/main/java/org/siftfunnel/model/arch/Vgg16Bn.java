package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The undefended VGG16-BN of the paper's code: configuration D (conv widths 64, 64, M, 128,
 * 128, M, 256×3, M, 512×3, M, 512×3, M; every conv 3×3 with bias → BatchNorm → ReLU) and the
 * code's classifier Linear(512·(s/32)² → 4096) → ReLU → Dropout(0.3) → Linear(4096 → 4096) →
 * ReLU → Dropout(0.2) → Linear(4096 → classes) (no adaptive pooling: 2048 inputs at 64×64),
 * then log-softmax. Split after the second pooling: Z = 128 × s/4 × s/4. Needs s ≥ 32.
 *
 * <p><b>Names.</b> The spec gives no PyTorch names for this model. torchvision's single
 * {@code features.N} list cannot be cut between edge and cloud without renaming one side, so
 * the convolutional part is named by VGG block as the paper's CNN is: {@code block1} ...
 * {@code block5}, each an {@code nn.Sequential} numbered as PyTorch would ({@code block1.0} conv,
 * {@code block1.1} BatchNorm, {@code block1.2} ReLU, {@code block1.3} conv, ..., {@code block1.6}
 * MaxPool); the head is {@code classifier.0|3|6} (Linear layers, as torchvision numbers them).
 * Edge: {@code block1}, {@code block2} (260,928 parameters for RGB, 259,776 for greyscale).
 */
public final class Vgg16Bn extends SplitModel {
    /** Smallest input side: five 2×2 poolings must leave at least one pixel. */
    public static final int MIN_IMAGE_SIZE = 32;

    public Vgg16Bn(ArchConfig config, RandomSource rng) {
        super("vgg16/none", config, edge(config, rng), cloud(config, rng),
                new int[] {128, config.imageSize() / 4, config.imageSize() / 4});
    }

    private static Stage edge(ArchConfig config, RandomSource rng) {
        config.requireImageSizeAtLeast(MIN_IMAGE_SIZE, "Vgg16Bn");
        return new Stage()
                .add("block1", Blocks.vggBlock(config.channels(), 64, 2, true, rng))
                .add("block2", Blocks.vggBlock(64, 128, 2, true, rng));
    }

    private static Stage cloud(ArchConfig config, RandomSource rng) {
        int side = Blocks.halved(config.imageSize(), 5);
        return new Stage()
                .add("block3", Blocks.vggBlock(128, 256, 3, true, rng))
                .add("block4", Blocks.vggBlock(256, 512, 3, true, rng))
                .add("block5", Blocks.vggBlock(512, 512, 3, true, rng))
                .add("flatten", new Flatten())
                .add("classifier", Blocks.vggHead(512 * side * side, config.classes(), config, rng))
                .add("log_softmax", new LogSoftmax(1));
    }
}
