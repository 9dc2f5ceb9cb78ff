package org.siftfunnel.kernels.opencl;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.GoldenOpsConformanceTest;

/**
 * The PyTorch golden operator cases ({@code golden/ops.safetensors}, shipped in the engine's
 * test-jar with the shared test) with every tensor on the first OpenCL device; skipped without
 * OpenCL, failed when {@code CI=true} (see {@link OpenClTestSupport}).
 */
class OpenClGoldenOpsTest extends GoldenOpsConformanceTest {
    @Override
    protected Backend backendUnderTest() {
        return OpenClTestSupport.backend();
    }
}
