package org.siftfunnel.kernels.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.siftfunnel.engine.backend.ConvGeometry;

/**
 * Values derived from a convolution geometry (block sizes, offset tables), computed on the first
 * call with that geometry and shared by all later calls and threads, so that a steady-state call
 * allocates nothing for them. The values must be immutable (or never written after creation).
 *
 * <p>A network has a few dozen distinct geometries (a smaller last batch adds some); when more
 * than {@value #MAX_ENTRIES} have been seen, the cache starts over rather than growing without
 * bound.
 */
final class GeometryCache<T> {

    private static final int MAX_ENTRIES = 256;

    private final ConcurrentHashMap<ConvGeometry, T> values = new ConcurrentHashMap<>();
    private final Function<ConvGeometry, T> derive;

    /** @param derive computes the value of a geometry (called once per geometry, or rarely twice under a race) */
    GeometryCache(Function<ConvGeometry, T> derive) {
        this.derive = derive;
    }

    /** The value of {@code g}, computed now if it is new. */
    T of(ConvGeometry g) {
        T v = values.get(g);
        if (v != null) {
            return v;
        }
        if (values.size() >= MAX_ENTRIES) {
            values.clear();
        }
        v = derive.apply(g);
        T earlier = values.putIfAbsent(g, v);
        return earlier != null ? earlier : v;
    }
}
