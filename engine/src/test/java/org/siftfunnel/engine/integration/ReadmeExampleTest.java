package org.siftfunnel.engine.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

/** Keeps the library example of the top-level README compiling and running (same code). */
class ReadmeExampleTest {
    @Test
    void readmeExampleRuns(@TempDir Path dir) throws Exception {
        float[] labels = new float[32];
        for (int i = 0; i < 32; i++) {
            labels[i] = i % 10;
        }
        // --- as in README.md ---
        RandomSource rng = new RandomSource(42);
        Module net = new Sequential(
                new Conv2d(1, 8, 3, 1, 1, true, rng), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(8 * 14 * 14, 10, rng));
        Adam opt = new Adam(net.parameters(), 1e-3f);

        Tensor x = Tensor.randn(Backends.getDefault(), rng, 0f, 1f, 32, 1, 28, 28);   // a batch of images
        Tensor y = Tensor.of(labels, 32);                                             // class indices as floats
        opt.zeroGrad();
        Tensor loss = Losses.crossEntropy(net.forward(x), y);
        loss.backward();
        opt.step();

        net.save(dir.resolve("net.safetensors"), Map.of("note", "first step"));  // PyTorch state_dict names
        // --- end ---
        assertTrue(Float.isFinite(loss.item()));
        assertTrue(Files.size(dir.resolve("net.safetensors")) > 8 * 14 * 14 * 10 * 4);
    }
}
