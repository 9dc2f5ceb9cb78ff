package org.siftfunnel.kernels.opencl;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

import org.jocl.CL;
import org.jocl.cl_mem;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.DeviceBuffer;

/**
 * A tensor's storage on an OpenCL device: a {@code cl_mem} of {@code size} floats. The memory is
 * released when the buffer becomes unreachable (through a {@link Cleaner}), so a training loop
 * that drops intermediate tensors does not leak device memory. OpenCL keeps a released buffer
 * alive until the commands already queued on it have finished.
 */
public final class ClBuffer implements DeviceBuffer {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend backend;
    private final cl_mem mem;
    private final int size;
    private final Cleaner.Cleanable cleanable;

    ClBuffer(OpenClBackend backend, cl_mem mem, int size, long bytes, AtomicLong liveBytes) {
        this.backend = backend;
        this.mem = mem;
        this.size = size;
        this.cleanable = CLEANER.register(this, new Release(mem, bytes, liveBytes));
    }

    /** The OpenCL memory object; callers must keep this buffer reachable while they use it. */
    cl_mem mem() {
        return mem;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** Releases the device memory now rather than at the next garbage collection. */
    void release() {
        cleanable.clean();
    }

    /**
     * Unwraps a buffer that must belong to {@code backend}, failing with a message naming the op
     * when a buffer of another backend (or of another OpenCL device) leaks in.
     */
    static ClBuffer of(DeviceBuffer buffer, OpenClBackend backend, String op) {
        if (buffer instanceof ClBuffer cb && cb.backend == backend) {
            return cb;
        }
        throw new IllegalArgumentException(op + ": expected a buffer of backend " + backend.name() + " on "
                + backend.device().name() + " but got "
                + (buffer == null ? "null" : buffer.getClass().getSimpleName() + " of backend " + buffer.backend().name())
                + "; move the tensor with Tensor.to(backend) first");
    }

    /** The cleaning action; must not refer to the ClBuffer, or it would never become unreachable. */
    private record Release(cl_mem mem, long bytes, AtomicLong liveBytes) implements Runnable {
        @Override
        public void run() {
            CL.clReleaseMemObject(mem);
            liveBytes.addAndGet(-bytes);
        }
    }
}
