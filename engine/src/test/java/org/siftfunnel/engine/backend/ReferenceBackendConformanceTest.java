package org.siftfunnel.engine.backend;

import org.siftfunnel.engine.backend.reference.ReferenceBackend;

/**
 * Runs the conformance suite on a fresh reference backend. The comparison is with another
 * reference instance, so it is trivially exact; what this proves is that every test of the
 * suite runs, and that the reference honours the suite's own checks (untouched tails, outputs
 * fully overwritten, bit-identical random fills).
 */
class ReferenceBackendConformanceTest extends BackendConformanceTest {

    @Override
    protected Backend backendUnderTest() {
        return new ReferenceBackend();
    }

    /** Two reference instances must agree exactly. */
    @Override
    protected double tolerance() {
        return 0;
    }
}
