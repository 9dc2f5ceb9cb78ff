package org.siftfunnel.bench.gemm;

import java.io.PrintStream;
import java.util.List;

import org.siftfunnel.engine.backend.timing.OpTimings;
import org.siftfunnel.kernels.opencl.ClGemmQuickBench;
import org.siftfunnel.kernels.opencl.OpenClBackend;
import org.siftfunnel.kernels.opencl.OpenClInfo;

/**
 * {@code ./siftfunnel bench gemm --device opencl[:Q]}: square SGEMM on an OpenCL device through
 * the backend's own quick bench ({@link ClGemmQuickBench}: one warm-up product that compiles the
 * kernels, then timed products), printed as GFLOP/s by device time (profiling events) and by
 * wall time, followed by the per-op profile of the timed products. On PoCL (OpenCL on the CPU)
 * the figures only show that the kernels work; a GPU is the real measure.
 */
final class OpenClGemm {
    /** Timed products per size when {@code --rounds} is not given. */
    static final int DEFAULT_REPEATS = 5;

    private OpenClGemm() {
    }

    /**
     * @param device {@code opencl} (first GPU, else first device) or {@code opencl:Q} (index or name part)
     * @throws IllegalArgumentException with the one-line reason when this machine has no OpenCL
     */
    static void run(String device, List<Integer> sizes, int repeats, PrintStream out) {
        String reason = OpenClInfo.unavailableReason();
        if (reason != null) {
            throw new IllegalArgumentException("GemmQuickBench: --device " + device + ": " + reason);
        }
        int colon = device.indexOf(':');
        OpenClBackend backend = OpenClBackend.create(colon < 0 ? null : device.substring(colon + 1));
        out.println(backend.description());
        for (int n : sizes) {
            ClGemmQuickBench.Result r = ClGemmQuickBench.run(backend, n, repeats);
            out.println(ClGemmQuickBench.format(r));
            out.print(OpTimings.table(r.profile()));
        }
    }
}
