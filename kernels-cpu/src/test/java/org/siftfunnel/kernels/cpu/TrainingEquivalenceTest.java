package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
 * End to end: a small CNN (conv–bn–relu–pool twice, a 64-channel 3×3 layer that takes the
 * Winograd path, linear) trained for three Adam steps from the same seed on the cpu backend and
 * on the reference backend must see the same losses (within 1e-4 relative) at every step. The
 * batch is large enough for the convolutions to be split over the threads: 2 (at the hardware's
 * width and scalar), 3 and 16, and a 5-way split with every part on one thread.
 */
class TrainingEquivalenceTest {

    private static final int BATCH = 32;
    private static final int SIZE = 16;
    private static final int CLASSES = 10;

    private static Module model() {
        RandomSource rng = new RandomSource(2024);
        return new Sequential(
                new Conv2d(3, 8, 3, 1, 1, true, rng), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Conv2d(8, 64, 3, 1, 1, true, rng), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Conv2d(64, 64, 3, 1, 1, true, rng), new BatchNorm2d(64), new ReLU(),
                new Flatten(), new Linear(64 * (SIZE / 4) * (SIZE / 4), CLASSES, rng));
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

    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of(new CpuBackend(2, VectorWidth.AUTO)),
                Arguments.of(new CpuBackend(2, VectorWidth.SCALAR)),
                Arguments.of(new CpuBackend(3, VectorWidth.AUTO)),
                Arguments.of(new CpuBackend(16, VectorWidth.AUTO)),
                Arguments.of(new CpuBackend(5, VectorWidth.AUTO, Convolution.DEFAULT_MAX_COLUMN_FLOATS,
                        Parallel.Schedule.ONE_THREAD)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void threeAdamStepsGiveTheReferenceLosses(Backend cpu) {
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
        float[] got = train(cpu, images, labels);
        assertTrue(want[3] < want[0], "the reference run must learn something, losses " + java.util.Arrays.toString(want));
        for (int step = 0; step < want.length; step++) {
            assertEquals(want[step], got[step], 1e-4 * Math.abs(want[step]), "loss at step " + step + " on " + cpu);
        }
    }
}
