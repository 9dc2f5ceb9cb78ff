package org.siftfunnel.kernels.opencl;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendConformanceTest;

/**
 * The engine's conformance suite on the first OpenCL device, at the suite's default
 * tolerance (1e-5 relative to the output's magnitude): the kernels accumulate in float
 * (compensated where rows are long) and the reference in double, which stays well inside it.
 */
class OpenClConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend backendUnderTest() {
        return OpenClTestSupport.backend();
    }
}
