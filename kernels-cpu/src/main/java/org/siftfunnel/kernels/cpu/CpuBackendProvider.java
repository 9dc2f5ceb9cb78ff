package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendProvider;

/**
 * Registers the {@code cpu} backend. Its priority (10) is above the reference backend's, so it
 * is the default whenever this module is on the class path. Threads and SIMD width come from
 * the system properties {@code siftfunnel.threads} and {@code siftfunnel.vector.width}.
 */
public final class CpuBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    /** Always usable: without the Vector API module the backend runs its scalar kernels. */
    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend create(String qualifier) {
        if (qualifier != null) {
            throw new IllegalArgumentException("device 'cpu' takes no qualifier, got 'cpu:" + qualifier
                    + "'; set threads with -Dsiftfunnel.threads=N and the SIMD width with -Dsiftfunnel.vector.width=128|256|512|scalar");
        }
        return new CpuBackend();
    }
}
