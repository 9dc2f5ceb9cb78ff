package org.siftfunnel.engine.backend;

/**
 * Service-provider interface for backends, found through {@link java.util.ServiceLoader}.
 * A provider must be cheap to construct; it creates its backend only when asked.
 */
public interface BackendProvider {
    /** The name users select the backend by ({@code reference}, {@code cpu}, {@code opencl}). */
    String name();

    /** Higher wins when no backend is named; a provider that must be asked for explicitly returns a negative value. */
    int priority();

    /** Null when usable on this machine, otherwise one line saying why not. */
    String unavailableReason();

    /**
     * What this provider can run on, in detail, for {@code siftfunnel info}: for example every
     * OpenCL platform and device with its limits, one per line. Null when there is nothing to
     * add to the backend's {@link Backend#description()}. Never throws; when the provider is
     * unavailable it may return the reason in one line.
     */
    default String describeDevices() {
        return null;
    }

    /**
     * Creates the backend. {@code qualifier} is what followed a colon in the device name
     * ({@code opencl:1}, {@code opencl:NVIDIA}), or null.
     */
    Backend create(String qualifier);
}
