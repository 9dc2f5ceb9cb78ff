package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenCL backend shared by the tests, on the first device (or the one the system property
 * {@code siftfunnel.opencl.test.device} names, in {@code OpenClBackend.create}'s terms, e.g.
 * {@code nvidia} on a machine with both PoCL and a GPU). Without OpenCL the tests are
 * skipped on a developer's machine but fail in CI ({@code CI=true}), which installs PoCL so
 * that they always run there.
 */
final class OpenClTestSupport {
    private static OpenClBackend backend;

    private OpenClTestSupport() {
    }

    static synchronized OpenClBackend backend() {
        String reason = OpenClInfo.unavailableReason();
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but OpenCL is unavailable: " + reason);
            }
            assumeTrue(false, "skipped, OpenCL is unavailable: " + reason);
        }
        if (backend == null) {
            backend = OpenClBackend.create(System.getProperty("siftfunnel.opencl.test.device", "0"));
        }
        return backend;
    }
}
