package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendConformanceTest;
import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * The conformance suite again, on a backend that may use at most 64 work-items per group, as a
 * small device would: GEMM and pairwise distances take their one-output-per-work-item kernels
 * and the reduction trees run narrower, so those fallbacks are checked too.
 */
class OpenClSmallWorkGroupConformanceTest extends BackendConformanceTest {
    private static OpenClBackend small;

    @Override
    protected Backend backendUnderTest() {
        synchronized (OpenClSmallWorkGroupConformanceTest.class) {
            if (small == null) {
                small = new OpenClBackend(OpenClTestSupport.backend().device(), true, 64);
            }
            return small;
        }
    }

    @Test
    void theFallbackKernelsRan() {
        Backend b = backendUnderTest();
        b.gemm(false, false, 1, 64, 64, 8, 1f, b.allocate(64 * 8), 0, 0, b.allocate(8 * 64), 0, 0, 0f, b.allocate(64 * 64), 0, 0);
        b.pairwiseSquaredDistances(b.allocate(32 * 3), b.allocate(32 * 32), 32, 3);
        var ops = small.timings().snapshot().stream().map(OpTimings.Entry::op).toList();
        assertTrue(ops.contains("gemm/gemm_small") && !ops.contains("gemm/gemm_tiled"), "GEMM kernels used: " + ops);
    }
}
