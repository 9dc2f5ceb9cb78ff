package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
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
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * End to end: a small CNN (conv–bn–relu–pool twice, linear) trained for three Adam steps
 * from the same seed on the cpu backend and on the reference backend must see the same losses
 * (within 1e-4 relative) at every step. The batch is large enough for the convolutions to be
 * split over two threads.
 */
class TrainingEquivalenceTest {

    private static final int BATCH = 32;
    private static final int SIZE = 16;
    private static final int CLASSES = 10;

    private static Module model() {
        RandomSource rng = new RandomSource(2024);
        return new Sequential(
                new Conv2d(3, 8, 3, 1, 1, true, rng), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Conv2d(8, 16, 3, 1, 1, true, rng), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(16 * (SIZE / 4) * (SIZE / 4), CLASSES, rng));
    }

    /** Losses before each of three steps, and after the last. */
    private static float[] train(Backend backend, float[] images, float[] labels) {
        Module net = model().to(backend);
        Adam opt = new Adam(net.parameters(), 0.01f);
        Tensor x = Tensor.of(backend, images, BATCH, 3, SIZE, SIZE);
        Tensor y = Tensor.of(backend, labels, BATCH);
        float[] losses = new float[4];
        for (int step = 0; step < 4; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.forward(x), y);
            losses[step] = loss.item();
            if (step < 3) {
                loss.backward();
                opt.step();
            }
        }
        return losses;
    }

    @ParameterizedTest
    @EnumSource(value = VectorWidth.class, names = {"AUTO", "SCALAR"})
    void threeAdamStepsGiveTheReferenceLosses(VectorWidth width) {
        SplittableRandom r = new SplittableRandom(11);
        float[] images = new float[BATCH * 3 * SIZE * SIZE];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        float[] labels = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = i % CLASSES;
        }
        float[] want = train(new ReferenceBackend(), images, labels);
        float[] got = train(new CpuBackend(2, width), images, labels);
        assertTrue(want[3] < want[0], "the reference run must learn something, losses " + java.util.Arrays.toString(want));
        for (int step = 0; step < want.length; step++) {
            assertEquals(want[step], got[step], 1e-4 * Math.abs(want[step]), "loss at step " + step + " on " + width);
        }
    }
}
