package org.siftfunnel.engine.backend;

/**
 * Storage for float32 values that lives on one backend's device. Buffers are opaque to the
 * engine: only the backend that allocated a buffer reads or writes it, so a buffer can be a
 * Java array, off-heap memory or an OpenCL {@code cl_mem}.
 */
public interface DeviceBuffer {
    /** Number of float32 elements. */
    int size();

    /** The backend that owns this buffer. */
    Backend backend();
}
