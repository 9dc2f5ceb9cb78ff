package org.siftfunnel.kernels.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.kernels.cpu.threads.TeamAllocation;
import org.siftfunnel.kernels.cpu.threads.WorkerTeam;

/**
 * A warm GEMM allocates nothing, on one thread and on two, on each way of splitting a product:
 * over the entries of a batch, over fixed blocks of rows or columns of C, and over row blocks
 * taken on demand around a shared packed B. The count includes the team's worker threads, and
 * the two-thread cases check that the team really ran the call. Scalar kernels, for the reason
 * given in {@code ConvolutionAllocationTest}.
 */
class SgemmAllocationTest {

    /** One call's shape: batch entries of m×k by k×n. */
    record Shape(String name, int threads, int batch, int m, int n, int k, boolean transA, boolean transB) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> shapes() {
        // Two threads split from 2^22 multiply-adds on (PARALLEL_MIN_MACS).
        return Stream.of(
                new Shape("1 thread, packed 192^3", 1, 1, 192, 192, 192, false, false),
                new Shape("1 thread, batch of 3 small products, B transposed", 1, 3, 40, 24, 56, false, true),
                new Shape("2 threads, batch of 2 split over its entries", 2, 2, 128, 128, 128, false, false),
                new Shape("2 threads, shared packed B (256^3, A transposed)", 2, 1, 256, 256, 256, true, false),
                new Shape("2 threads, skinny product split in blocks of columns", 2, 1, 12, 1024, 512, false, false))
                .map(s -> Arguments.of(s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aWarmCallAllocatesNothing(Shape s) {
        TeamAllocation.assumeCountable();
        Sgemm gemm = new Sgemm(s.threads(), VectorWidth.SCALAR);
        SplittableRandom r = new SplittableRandom(11);
        float[] a = random(r, s.batch() * s.m() * s.k());
        float[] b = random(r, s.batch() * s.k() * s.n());
        float[] c = new float[s.batch() * s.m() * s.n()];
        Runnable call = () -> gemm.gemm(s.transA(), s.transB(), s.batch(), s.m(), s.n(), s.k(), 1f,
                a, 0, s.m() * s.k(), b, 0, s.k() * s.n(), 0f, c, 0, s.m() * s.n());
        for (int i = 0; i < 3; i++) {
            call.run();
        }
        long splitBefore = WorkerTeam.of(2).splitCalls();
        assertEquals(0, TeamAllocation.leastBytes(2, 3, 2, call), s + ": bytes allocated by 2 warm calls (least of 3 rounds)");
        if (s.threads() > 1) {
            assertTrue(WorkerTeam.of(2).splitCalls() > splitBefore, s + ": the product was never split");
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
