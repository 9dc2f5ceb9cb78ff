package org.siftfunnel.engine.tensor;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;

/** The PyTorch golden operator cases on the reference backend (the engine's own default). */
class ReferenceGoldenOpsTest extends GoldenOpsConformanceTest {
    @Override
    protected Backend backendUnderTest() {
        return Backends.reference();
    }
}
