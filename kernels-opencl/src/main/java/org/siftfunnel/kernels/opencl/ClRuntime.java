package org.siftfunnel.kernels.opencl;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.CL_EVENT_COMMAND_EXECUTION_STATUS;
import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_program;
import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * One device's OpenCL state: the context, the single in-order command queue (with profiling),
 * the programs compiled for it (each once, on first use), its memory pool and the profiling
 * events still to be read.
 *
 * <p>Kernel objects hold their arguments, so setting arguments and enqueueing must not
 * interleave between threads: every enqueue happens under {@link #lock()}, which the backend
 * also takes around multi-kernel operations that share scratch buffers.
 */
final class ClRuntime {
    /** Profiling events kept before the oldest completed ones are read (bounds host memory). */
    private static final int HARVEST_AT = 1024;
    /** Events kept before the host waits for the queue (only in very long asynchronous runs). */
    private static final int FINISH_AT = 16384;

    private final ClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, ClKernel> kernels = new HashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final OpTimings timings =
            new OpTimings("device time of each command, from the OpenCL profiling events", this::finish, true);
    private final ClMemoryPool memory;
    private final String buildOptions;
    private final boolean fp64;
    private final long workGroupCap;
    /** Largest staging buffer for downloads: longer downloads go in chunks of this many floats. */
    static final int DOWNLOAD_STAGE_FLOATS = 1 << 21;
    private FloatBuffer downloadStage;
    /** Outputs of the event queries, reused (harvesting runs under the lock). */
    private final InfoBuffer eventStatus = new InfoBuffer(Integer.BYTES);
    private final InfoBuffer eventStart = new InfoBuffer(Long.BYTES);
    private final InfoBuffer eventEnd = new InfoBuffer(Long.BYTES);

    private record Pending(String op, cl_event event) {
    }

    /**
     * @param allowFp64 use double precision for the few steps the reference computes in double
     *                  (Box–Muller, Adam's bias correction) when the device has cl_khr_fp64
     * @param workGroupCap  the largest work-group any kernel may use (below the device's limit
     *                      only to exercise the small-device paths in tests)
     */
    ClRuntime(ClDevice device, boolean allowFp64, long workGroupCap) {
        CL.setExceptionsEnabled(true);
        this.device = device;
        this.workGroupCap = workGroupCap;
        // Creating a context, building a program and creating a kernel may initialise the
        // driver's compiler, which replaces the JVM's signal handlers (see JvmSignalHandlers).
        this.context = JvmSignalHandlers.around(
                () -> CL.clCreateContext(null, 1, new cl_device_id[] {device.id()}, null, null, null));
        this.queue = JvmSignalHandlers.around(() -> createQueue(context, device));
        this.memory = new ClMemoryPool(context, device.globalMemBytes(), this::finish);
        this.fp64 = allowFp64 && device.fp64();
        // The Java side decides whether kernels use double, so that argument types agree with it.
        this.buildOptions = (device.correctlyRoundedDivSqrt() ? "-cl-fp32-correctly-rounded-divide-sqrt " : "")
                + (fp64 ? "" : "-DSIFTFUNNEL_NO_FP64");
    }

    @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties is OpenCL 2.0; we target 1.2
    private static cl_command_queue createQueue(cl_context context, ClDevice device) {
        return CL.clCreateCommandQueue(context, device.id(), CL_QUEUE_PROFILING_ENABLE, null);
    }

    ClDevice device() {
        return device;
    }

    long workGroupCap() {
        return workGroupCap;
    }

    /** Whether the kernels were built with double precision (see common.cl's hp_float). */
    boolean fp64() {
        return fp64;
    }

    cl_command_queue queue() {
        return queue;
    }

    OpTimings timings() {
        return timings;
    }

    /** Takes the runtime's (reentrant) lock; pair with {@link #unlock()} in a finally block. */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /**
     * A native buffer downloads read into before copying to the caller's array (see
     * {@code OpenClBackend.download}): room for {@code n} floats, or for
     * {@link #DOWNLOAD_STAGE_FLOATS} when {@code n} is larger. Grown on demand and kept; callers
     * hold the lock while they use it.
     */
    FloatBuffer downloadStage(int n) {
        int want = Math.min(Math.max(n, 1), DOWNLOAD_STAGE_FLOATS);
        if (downloadStage == null || downloadStage.capacity() < want) {
            int size = Math.max(want, downloadStage == null ? 0 : Math.min(2 * downloadStage.capacity(), DOWNLOAD_STAGE_FLOATS));
            downloadStage = ByteBuffer.allocateDirect(size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        return downloadStage;
    }

    /** Device memory, recycled by size. */
    ClMemoryPool memory() {
        return memory;
    }

    /** The kernel {@code name} of program {@code program} ({@code program.cl}), compiled on first use. */
    ClKernel kernel(String program, String name) {
        lock.lock();
        try {
            String key = program + "/" + name;
            ClKernel k = kernels.get(key);
            if (k == null) {
                cl_program p = program(program);
                k = new ClKernel(this, name, JvmSignalHandlers.around(() -> CL.clCreateKernel(p, name, null)));
                kernels.put(key, k);
            }
            return k;
        } finally {
            lock.unlock();
        }
    }

    private cl_program program(String name) {
        cl_program p = programs.get(name);
        if (p != null) {
            return p;
        }
        String[] sources = KernelSources.program(name);
        p = CL.clCreateProgramWithSource(context, sources.length, sources, null, null);
        try {
            cl_program built = p;
            JvmSignalHandlers.around(
                    () -> CL.clBuildProgram(built, 1, new cl_device_id[] {device.id()}, buildOptions, null, null));
        } catch (CLException e) {
            throw new IllegalStateException("opencl: compiling " + name + ".cl for " + device.name() + " failed: "
                    + CL.stringFor_errorCode(e.getStatus()) + "\n" + buildLog(p), e);
        }
        programs.put(name, p);
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        InfoBuffer log = new InfoBuffer(size[0]);
        CL.clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, log.size(), log.pointer(), null);
        return log.getString().trim();
    }

    /**
     * Records the profiling event of a command just enqueued under {@code op}. Callers hold the
     * lock. Completed events are read in queue order (an in-order queue completes in order).
     */
    void track(String op, cl_event event) {
        pending.add(new Pending(op, event));
        if (pending.size() >= FINISH_AT) {
            CL.clFinish(queue);
            harvest(false);
        } else if (pending.size() >= HARVEST_AT) {
            harvest(true);
        }
    }

    /** Waits for every queued command and reads all outstanding timings. */
    void finish() {
        lock.lock();
        try {
            CL.clFinish(queue);
            harvest(false);
        } finally {
            lock.unlock();
        }
    }

    /** Reads timings of events already complete (after a blocking read, all of them are). */
    void harvestCompleted() {
        lock.lock();
        try {
            harvest(true);
        } finally {
            lock.unlock();
        }
    }

    private void harvest(boolean onlyCompleted) {
        InfoBuffer status = eventStatus;
        InfoBuffer start = eventStart;
        InfoBuffer end = eventEnd;
        while (!pending.isEmpty()) {
            Pending p = pending.peek();
            if (onlyCompleted) {
                CL.clGetEventInfo(p.event(), CL_EVENT_COMMAND_EXECUTION_STATUS, Integer.BYTES, status.pointer(), null);
                if (status.getInt() > CL_COMPLETE) {
                    return; // still queued or running, and so is everything after it
                }
            }
            pending.poll();
            try {
                CL.clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_START, Long.BYTES, start.pointer(), null);
                CL.clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_END, Long.BYTES, end.pointer(), null);
                timings.record(p.op(), Math.max(0, end.getLong() - start.getLong()));
            } catch (CLException e) {
                // A command that failed has no timing; its error surfaces where it was waited for.
            } finally {
                CL.clReleaseEvent(p.event());
            }
        }
    }
}
