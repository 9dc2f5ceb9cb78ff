package org.siftfunnel.engine.backend.reference;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendProvider;

/** Registers the reference backend; lowest priority, so any faster backend wins by default. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return ReferenceBackend.NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend create(String qualifier) {
        if (qualifier != null) {
            throw new IllegalArgumentException("device 'reference' takes no qualifier, got 'reference:" + qualifier + "'");
        }
        return new ReferenceBackend();
    }
}
