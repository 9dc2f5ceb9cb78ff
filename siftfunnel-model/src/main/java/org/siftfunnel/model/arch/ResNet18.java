package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.AvgPool2d;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The undefended CIFAR-style ResNet-18 of the paper's code ({@code rn18}): stem Conv3×3
 * nc→64 (stride 1, no bias) → BN → ReLU without max-pooling; {@code layer1} 64, {@code layer2}
 * 128 (stride 2), {@code layer3} 256 (stride 2), {@code layer4} 512 (stride 2), two
 * {@link BasicBlock}s each; 4×4 average pooling; {@code fc} Linear(512·(s/32)² → classes)
 * (2048 inputs at 64×64); log-softmax. Needs s ≥ 32.
 *
 * <p>Split after {@code layer2}, the depth at which the SiftFunnel ResNet cuts (its funnel
 * replaces layer2): Z = 128 × s/2 × s/2. Edge: {@code conv1}, {@code bn1}, {@code layer1},
 * {@code layer2} (675,392 parameters for RGB). Names are torchvision's ({@code layer1.0.conv1},
 * {@code layer2.0.downsample.0}, ...), since the spec gives none.
 */
public final class ResNet18 extends SplitModel {
    /** Smallest input side: the 4×4 average pooling of the s/8 map must leave one pixel. */
    public static final int MIN_IMAGE_SIZE = 32;

    public ResNet18(ArchConfig config, RandomSource rng) {
        super("resnet18/none", config, edge(config, rng), appendTail(new Stage(), config, 128, rng),
                new int[] {128, config.imageSize() / 2, config.imageSize() / 2});
    }

    private static Stage edge(ArchConfig config, RandomSource rng) {
        config.requireImageSizeAtLeast(MIN_IMAGE_SIZE, "ResNet18");
        return new Stage()
                .add("conv1", new Conv2d(config.channels(), 64, 3, 1, 1, false, rng))
                .add("bn1", new BatchNorm2d(64))
                .add("relu", new ReLU())
                .add("layer1", BasicBlock.layer(64, 64, 2, 1, rng))
                .add("layer2", BasicBlock.layer(64, 128, 2, 2, rng));
    }

    /**
     * Appends layer3, layer4, the 4×4 average pooling, fc and log-softmax to {@code stage}, for
     * an input of {@code inChannels} at s/2 (shared with the SiftFunnel ResNet).
     */
    static Stage appendTail(Stage stage, ArchConfig config, int inChannels, RandomSource rng) {
        int side = config.imageSize() / 8 / 4;
        return stage
                .add("layer3", BasicBlock.layer(inChannels, 256, 2, 2, rng))
                .add("layer4", BasicBlock.layer(256, 512, 2, 2, rng))
                .add("avgpool", new AvgPool2d(4))
                .add("flatten", new Flatten())
                .add("fc", new Linear(512 * side * side, config.classes(), rng))
                .add("log_softmax", new LogSoftmax(1));
    }
}
