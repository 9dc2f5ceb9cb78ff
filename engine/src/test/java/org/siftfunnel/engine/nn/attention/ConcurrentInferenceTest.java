package org.siftfunnel.engine.nn.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.NnTesting;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** One shared eval-mode model serves several threads under noGrad with results identical to a single thread's. */
class ConcurrentInferenceTest {
    private static final int THREADS = 4;
    private static final int ITERATIONS = 50;
    private static final int INPUTS = 3;

    @Test
    void fourThreadsGetTheSingleThreadedResults() throws Exception {
        RandomSource rng = new RandomSource(1);
        Module model = new Sequential(new Conv2d(3, 4, 3, 1, 1, true, rng), new BatchNorm2d(4), new ReLU(),
                new TripletAttention(rng), new SEModule(4, 2, rng), new CBAM(4, 2, rng));
        // One training pass so every BatchNorm holds non-trivial running statistics.
        model.forward(NnTesting.uniform(2, -1f, 1f, 4, 3, 6, 6));
        model.eval();

        Tensor[] inputs = new Tensor[INPUTS];
        float[][] expected = new float[INPUTS][];
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (int i = 0; i < INPUTS; i++) {
                inputs[i] = NnTesting.uniform(10 + i, -1f, 1f, 2, 3, 6, 6);
                expected[i] = model.forward(inputs[i]).toArray();
            }
        }
        float[] runningBefore = model.stateDict().get("3.cw.conv.bn.running_mean").toArray();

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int matches = 0;
                    try (GradMode.Scope s = GradMode.noGrad()) {
                        for (int it = 0; it < ITERATIONS; it++) {
                            int which = (thread + it) % INPUTS;
                            float[] y = model.forward(inputs[which]).toArray();
                            if (java.util.Arrays.equals(expected[which], y)) {
                                matches++;
                            }
                        }
                    }
                    return matches;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertEquals(ITERATIONS, f.get(60, TimeUnit.SECONDS), "outputs equal to the single-threaded ones");
            }
        } finally {
            pool.shutdownNow();
        }
        NnTesting.assertBitEqual("eval mode leaves running statistics alone", Tensor.of(runningBefore, runningBefore.length),
                model.stateDict().get("3.cw.conv.bn.running_mean"));
    }
}
