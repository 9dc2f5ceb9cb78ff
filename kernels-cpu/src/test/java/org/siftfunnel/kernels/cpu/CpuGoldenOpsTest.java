package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.GoldenOpsConformanceTest;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The PyTorch golden operator cases ({@code golden/ops.safetensors}, shipped in the engine's
 * test-jar with the shared test) on the CPU backend at 2 threads and the hardware's SIMD width.
 */
class CpuGoldenOpsTest extends GoldenOpsConformanceTest {
    @Override
    protected Backend backendUnderTest() {
        return new CpuBackend(2, VectorWidth.AUTO);
    }
}
