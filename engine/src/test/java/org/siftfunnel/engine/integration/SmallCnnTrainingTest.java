package org.siftfunnel.engine.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.MaxPool2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The engine end to end: a small CNN (conv–bn–relu–pool ×2, linear) learns a synthetic
 * image task on the reference backend, and a save/load round trip reproduces its outputs.
 */
class SmallCnnTrainingTest {
    private static final int CLASSES = 4;
    private static final int SIZE = 12;

    /** Class k: a bright bar (top, bottom, left or right half) on noise; position jittered. */
    static Tensor[] makeData(Backend be, int n, long seed) {
        RandomSource rng = new RandomSource(seed);
        float[] x = new float[n * SIZE * SIZE];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int k = i % CLASSES;
            y[i] = k;
            int jitter = rng.nextInt(3);
            for (int r = 0; r < SIZE; r++) {
                for (int c = 0; c < SIZE; c++) {
                    float v = 0.6f * (rng.nextFloat() - 0.5f);
                    boolean bar = switch (k) {
                        case 0 -> r == 1 + jitter;
                        case 1 -> r == SIZE - 2 - jitter;
                        case 2 -> c == 1 + jitter;
                        default -> c == SIZE - 2 - jitter;
                    };
                    x[(i * SIZE + r) * SIZE + c] = bar ? v + 1f : v;
                }
            }
        }
        return new Tensor[] {Tensor.of(be, x, n, 1, SIZE, SIZE), Tensor.of(be, y, n)};
    }

    static Module model(long seed) {
        RandomSource rng = new RandomSource(seed);
        return new Sequential(
                new Conv2d(1, 6, 3, 1, 1, true, rng), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 8, 3, 1, 1, true, rng), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(8 * (SIZE / 4) * (SIZE / 4), CLASSES, rng));
    }

    static float accuracy(Tensor logits, Tensor labels) {
        float[] pred = logits.argmax(1, false).toArray();
        float[] y = labels.toArray();
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            ok += pred[i] == y[i] ? 1 : 0;
        }
        return ok / (float) y.length;
    }

    @Test
    void learnsSeparableImagesAndRoundTripsThroughSafetensors(@TempDir Path dir) throws Exception {
        Backend be = Backends.reference();
        Tensor[] data = makeData(be, 192, 1);
        Module net = model(7).to(be);
        Adam opt = new Adam(net.parameters(), 0.01f);
        int batch = 32;
        for (int epoch = 0; epoch < 6; epoch++) {
            for (int b = 0; b < 192; b += batch) {
                Tensor xb = data[0].slice(0, b, b + batch);
                Tensor yb = data[1].slice(0, b, b + batch);
                opt.zeroGrad();
                Tensor loss = Losses.crossEntropy(net.forward(xb), yb);
                Losses.checkFinite("cross-entropy", loss);
                loss.backward();
                opt.step();
            }
        }
        net.eval();
        float trainAcc;
        Tensor logits;
        try (GradMode.Scope s = GradMode.noGrad()) {
            logits = net.forward(data[0]);
            trainAcc = accuracy(logits, data[1]);
        }
        assertTrue(trainAcc >= 0.95f, "training accuracy " + trainAcc + " < 0.95");

        Path file = dir.resolve("cnn.safetensors");
        net.save(file, Map.of("note", "round trip"));
        Module restored = model(99).to(be);
        restored.load(file);
        restored.eval();
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertArrayEquals(logits.toArray(), restored.forward(data[0]).toArray(), "outputs after save/load differ");
        }
    }
}
