package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.AdaptiveAvgPool2d;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.MaxPool2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.attention.CBAM;
import org.siftfunnel.engine.nn.attention.SEModule;
import org.siftfunnel.engine.nn.attention.TripletAttention;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Training on the device follows training on the reference backend: a small CNN with the
 * paper's attention blocks (SE, triplet attention, CBAM) and batch norm, trained with Adam for
 * 4 steps of 64 images from 256 synthetic ones, gives every step's loss within 1e-4 relative.
 */
class OpenClTrainingEquivalenceTest {
    private static final int IMAGES = 256;
    private static final int BATCH = 64;
    private static final int SIZE = 16;
    private static final int CLASSES = 10;
    private static final int STEPS = 4;

    private static Module model(long seed) {
        RandomSource rng = new RandomSource(seed);
        return new Sequential(
                new Conv2d(1, 8, 3, 1, 1, true, rng), new BatchNorm2d(8), new ReLU(),
                new SEModule(8, 4, rng), new MaxPool2d(2),
                new Conv2d(8, 16, 3, 1, 1, true, rng), new BatchNorm2d(16), new ReLU(),
                new TripletAttention(rng), new CBAM(16, 4, rng), new MaxPool2d(2),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, CLASSES, rng));
    }

    /** Images whose class decides where a bright square sits, on uniform noise. */
    private static float[][] data(long seed) {
        RandomSource rng = new RandomSource(seed);
        float[] x = new float[IMAGES * SIZE * SIZE];
        float[] y = new float[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            int k = rng.nextInt(CLASSES);
            y[i] = k;
            int top = (k / 4) * 5;
            int left = (k % 4) * 4;
            for (int r = 0; r < SIZE; r++) {
                for (int c = 0; c < SIZE; c++) {
                    boolean square = r >= top && r < top + 4 && c >= left && c < left + 4;
                    x[(i * SIZE + r) * SIZE + c] = rng.nextFloat() - 0.5f + (square ? 1.5f : 0f);
                }
            }
        }
        return new float[][] {x, y};
    }

    private static float[] losses(Backend backend, float[][] data) {
        Module net = model(11).to(backend);
        net.train();
        Adam opt = new Adam(net.parameters(), 1e-2f);
        Tensor x = Tensor.of(backend, data[0], IMAGES, 1, SIZE, SIZE);
        Tensor y = Tensor.of(backend, data[1], IMAGES);
        float[] losses = new float[STEPS];
        for (int step = 0; step < STEPS; step++) {
            int from = step * BATCH;
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.forward(x.slice(0, from, from + BATCH)), y.slice(0, from, from + BATCH));
            assertSame(backend, loss.backend(), "the loss must be computed on " + backend.name());
            loss.backward();
            opt.step();
            losses[step] = loss.item();
        }
        return losses;
    }

    @Test
    void everyStepsLossMatchesTheReference() {
        OpenClBackend device = OpenClTestSupport.backend();
        float[][] data = data(5);
        float[] want = losses(Backends.reference(), data);
        float[] got = losses(device, data);
        for (int step = 0; step < STEPS; step++) {
            double relative = Math.abs(got[step] - want[step]) / Math.abs(want[step]);
            assertTrue(relative <= 1e-4, String.format("step %d: loss on %s %.8g, reference %.8g (relative error %.2g > 1e-4)",
                    step, device.name(), got[step], want[step], relative));
        }
        // The optimiser must have changed the model: four equal losses would mean nothing was trained.
        assertTrue(want[STEPS - 1] != want[0], "the reference loss did not change over " + STEPS + " steps");
    }
}
