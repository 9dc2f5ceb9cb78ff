package org.siftfunnel.kernels.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * Several threads calling one threaded GEMM at once, as the cloud server's compute threads do
 * with the shared cpu backend. The shared-B path ({@code PackedDriver.multiplyShared}) needs all
 * its parts running at the same time (they meet at a barrier), and every call shares one
 * {@code WorkerTeam} per thread count. The team runs one call at a time: a caller that finds it
 * busy computes its product alone, so no part ever waits at a barrier for a part that no thread
 * will run. This test keeps it that way: a caller that queued its parts behind another's would
 * hang here, and one that ran shared-B parts one after another on its own thread would too.
 */
class ConcurrentCallersTest {
    private static final int THREADS = 4;
    private static final int CALLERS = 6;
    private static final int ROUNDS = 8;
    /** Large enough for the shared-B path on 4 threads: m ≥ 2·threads·mr, above the parallel threshold. */
    private static final int SIZE = 256;

    @Test
    void concurrentCallersOfAThreadedGemmAllFinishWithTheSerialResult() {
        SplittableRandom rng = new SplittableRandom(7);
        float[] a = new float[SIZE * SIZE];
        float[] b = new float[SIZE * SIZE];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
            b[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        Sgemm threaded = new Sgemm(THREADS, VectorWidth.AUTO);
        float[] wanted = new float[SIZE * SIZE];
        new Sgemm(1, VectorWidth.AUTO).gemm(false, false, SIZE, SIZE, SIZE, 1f, a, b, 0f, wanted);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < CALLERS; t++) {
                    results.add(callers.submit(() -> {
                        start.await();
                        float[] c = new float[SIZE * SIZE];
                        for (int r = 0; r < ROUNDS; r++) {
                            threaded.gemm(false, false, SIZE, SIZE, SIZE, 1f, a, b, 0f, c);
                        }
                        return c;
                    }));
                }
                start.countDown();
                for (Future<float[]> f : results) {
                    // Splitting the rows differently only changes which thread computes a row, not its sums.
                    assertArrayEquals(wanted, f.get(), 1e-4f);
                }
            } finally {
                callers.shutdownNow();
            }
        }, "concurrent callers of a " + THREADS + "-thread GEMM did not finish: the shared-B parts deadlocked");
    }
}
