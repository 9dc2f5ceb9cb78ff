package org.siftfunnel.engine.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

import org.siftfunnel.engine.backend.reference.ReferenceBackend;

/**
 * Finds backends through {@link ServiceLoader} and keeps one instance per device name.
 * The default backend is the usable provider with the highest priority ({@code cpu} when
 * present, else {@code reference}); OpenCL is used only when named.
 */
public final class Backends {
    private static final Map<String, Backend> INSTANCES = new ConcurrentHashMap<>();
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** Every provider on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            list.add(p);
        }
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /**
     * The backend for a device name such as {@code reference}, {@code cpu}, {@code opencl},
     * {@code opencl:1} or {@code opencl:NVIDIA}.
     *
     * @throws IllegalArgumentException naming the known backends, or why the named one cannot run here
     */
    public static Backend get(String device) {
        if (device == null || device.isBlank()) {
            return getDefault();
        }
        String key = device.trim();
        Backend existing = INSTANCES.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (Backends.class) {
            existing = INSTANCES.get(key);
            if (existing != null) {
                return existing;
            }
            int colon = key.indexOf(':');
            String name = colon < 0 ? key : key.substring(0, colon);
            String qualifier = colon < 0 ? null : key.substring(colon + 1);
            List<String> known = new ArrayList<>();
            for (BackendProvider p : providers()) {
                known.add(p.name());
                if (p.name().equalsIgnoreCase(name)) {
                    String reason = p.unavailableReason();
                    if (reason != null) {
                        throw new IllegalArgumentException("device '" + key + "' is not available: " + reason);
                    }
                    Backend b = p.create(qualifier);
                    INSTANCES.put(key, b);
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown device '" + key + "'; known backends: " + String.join(", ", known));
        }
    }

    /** The backend tensors are created on when none is given. */
    public static Backend getDefault() {
        Backend b = defaultBackend;
        if (b == null) {
            synchronized (Backends.class) {
                if (defaultBackend == null) {
                    defaultBackend = chooseDefault();
                }
                b = defaultBackend;
            }
        }
        return b;
    }

    /** Sets the process-wide default backend (e.g. from {@code --device}). */
    public static void setDefault(Backend backend) {
        defaultBackend = backend;
    }

    /** The scalar reference backend, always available. */
    public static Backend reference() {
        return get(ReferenceBackend.NAME);
    }

    private static Backend chooseDefault() {
        String forced = System.getProperty("siftfunnel.device");
        if (forced != null && !forced.isBlank()) {
            return get(forced);
        }
        for (BackendProvider p : providers()) {
            if (p.priority() >= 0 && p.unavailableReason() == null) {
                return get(p.name());
            }
        }
        return reference();
    }
}
