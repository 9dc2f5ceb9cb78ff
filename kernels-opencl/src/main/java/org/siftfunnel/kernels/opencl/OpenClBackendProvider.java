package org.siftfunnel.kernels.opencl;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendProvider;

/**
 * Registers the OpenCL backend as {@code opencl}. Its priority is negative, so it is used only
 * when named ({@code --device opencl}, {@code opencl:1}, {@code opencl:nvidia}): a CPU OpenCL
 * such as PoCL is no faster than the Vector API backend, and GPUs differ in their float maths.
 */
public final class OpenClBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return OpenClBackend.NAME;
    }

    @Override
    public int priority() {
        return -10;
    }

    /** Null when a device exists; otherwise one line (no ICD, no libOpenCL...). Never throws. */
    @Override
    public String unavailableReason() {
        return OpenClInfo.unavailableReason();
    }

    /** Every OpenCL platform and device with its limits, or the one line saying why there is none. */
    @Override
    public String describeDevices() {
        return OpenClInfo.describePlatforms();
    }

    @Override
    public Backend create(String qualifier) {
        return OpenClBackend.create(qualifier);
    }
}
