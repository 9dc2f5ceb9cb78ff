package org.siftfunnel.model.arch;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Dropout;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.MaxPool2d;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.SiLU;
import org.siftfunnel.engine.random.RandomSource;

/**
 * Layer groups shared by the architectures. Each returns a {@link Sequential} (or appends to
 * one) in the paper's layer order, because the position of every layer, parameter-free ones
 * included, is part of the PyTorch state-dict names ({@code block2_mix.4.weight}).
 */
final class Blocks {
    private Blocks() {
    }

    /** Conv3×3 (padding 1, with bias) → BatchNorm → MaxPool2 → ReLU: a block of the 4-block CNN. */
    static Sequential convBnPoolRelu(int in, int out, RandomSource rng) {
        return new Sequential(new Conv2d(in, out, 3, 1, 1, true, rng), new BatchNorm2d(out), new MaxPool2d(2), new ReLU());
    }

    /** Conv3×3 (padding 1) → BatchNorm → ReLU, appended to {@code seq}: a VGG layer. */
    static void appendConvBnRelu(Sequential seq, int in, int out, int stride, boolean bias, RandomSource rng) {
        seq.add(new Conv2d(in, out, 3, stride, 1, bias, rng)).add(new BatchNorm2d(out)).add(new ReLU());
    }

    /**
     * A VGG block: {@code convs} Conv3×3 → BatchNorm → ReLU layers ({@code in → out}, then
     * {@code out → out}), then MaxPool2.
     */
    static Sequential vggBlock(int in, int out, int convs, boolean bias, RandomSource rng) {
        Sequential seq = new Sequential();
        for (int i = 0; i < convs; i++) {
            appendConvBnRelu(seq, i == 0 ? in : out, out, 1, bias, rng);
        }
        return seq.add(new MaxPool2d(2));
    }

    /**
     * SiftFunnel's funnel, appended to {@code seq}: Conv1×1 (in → w) → Conv3×3 (w → w) → SiLU →
     * Conv1×1 (w → w) → Conv3×3 (w → w) → Conv5×5 (w → w, padding 2) → ReLU, all with bias and
     * keeping the spatial size. The final ReLU makes Z non-negative.
     */
    static void appendFunnel(Sequential seq, int in, int width, RandomSource rng) {
        seq.add(new Conv2d(in, width, 1, 1, 0, true, rng))
                .add(new Conv2d(width, width, 3, 1, 1, true, rng))
                .add(new SiLU())
                .add(new Conv2d(width, width, 1, 1, 0, true, rng))
                .add(new Conv2d(width, width, 3, 1, 1, true, rng))
                .add(new Conv2d(width, width, 5, 1, 2, true, rng))
                .add(new ReLU());
    }

    /** The CNN head: Linear(in → 5·classes) → Dropout → Linear(5·classes → classes). */
    static Sequential cnnHead(int in, int classes, float dropout, RandomSource rng) {
        return new Sequential(new Linear(in, 5 * classes, rng), new Dropout(dropout, rng.fork()), new Linear(5 * classes, classes, rng));
    }

    /**
     * The VGG head of the paper's code: Linear(in → 4096) → ReLU → Dropout(0.3) →
     * Linear(4096 → 4096) → ReLU → Dropout(0.2) → Linear(4096 → classes).
     */
    static Sequential vggHead(int in, int classes, ArchConfig config, RandomSource rng) {
        return new Sequential(
                new Linear(in, VGG_HIDDEN, rng), new ReLU(), new Dropout(config.dropout(0.3f), rng.fork()),
                new Linear(VGG_HIDDEN, VGG_HIDDEN, rng), new ReLU(), new Dropout(config.dropout(0.2f), rng.fork()),
                new Linear(VGG_HIDDEN, classes, rng));
    }

    /** Width of the VGG head's hidden layers. */
    static final int VGG_HIDDEN = 4096;

    /** The side after {@code times} 2×2 poolings with floor division (PyTorch's default). */
    static int halved(int size, int times) {
        int s = size;
        for (int i = 0; i < times; i++) {
            s /= 2;
        }
        return s;
    }
}
