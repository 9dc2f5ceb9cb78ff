package org.siftfunnel.kernels.opencl;

import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_HOST_MEMORY;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Device memory for one context, recycled by size. A training loop allocates the same tensor
 * sizes every step; creating and releasing a {@code cl_mem} each time is slow on GPU drivers
 * (and on PoCL, first touch of fresh memory is), so released buffers wait in a free list for
 * the next request of their size.
 *
 * <p>Recycling is safe because the backend has one in-order queue: commands still queued on a
 * buffer when it is released finish before any command of its next owner starts.
 *
 * <p>The JVM cannot see device memory, so the pool watches it: when buffers in use pass a soft
 * limit (or the driver reports exhaustion) it empties the free lists and asks for a garbage
 * collection, whose {@link java.lang.ref.Cleaner} actions return unreachable buffers.
 */
final class ClMemoryPool {
    /** Requests are rounded up to this many bytes so that near sizes share a free list. */
    private static final long GRANULE = 512;

    private final cl_context context;
    private final long softLimitBytes;
    private final long poolLimitBytes;
    private final Map<Long, ConcurrentLinkedDeque<cl_mem>> free = new ConcurrentHashMap<>();
    private final AtomicLong inUse = new AtomicLong();
    private final AtomicLong pooled = new AtomicLong();
    private final Runnable waitForQueue;

    /**
     * @param globalMemBytes the device's memory; buffers in use may take 60% of it before a collection
     * @param waitForQueue   finishes queued work (before retrying a failed allocation)
     */
    ClMemoryPool(cl_context context, long globalMemBytes, Runnable waitForQueue) {
        this.context = context;
        this.softLimitBytes = Math.max(64L << 20, (long) (globalMemBytes * 0.6));
        this.poolLimitBytes = softLimitBytes / 2;
        this.waitForQueue = waitForQueue;
    }

    /** The capacity a request of {@code bytes} gets: at least one granule, rounded up to granules. */
    static long capacity(long bytes) {
        return Math.max(1, (bytes + GRANULE - 1) / GRANULE) * GRANULE;
    }

    /** A buffer of {@link #capacity}({@code bytes}) bytes, recycled when one is free. */
    cl_mem acquire(long bytes) {
        long size = capacity(bytes);
        cl_mem mem = takeFree(size);
        if (mem != null) {
            return mem;
        }
        if (inUse.get() + pooled.get() + size > softLimitBytes) {
            trim();
            if (inUse.get() + size > softLimitBytes) {
                collectGarbage();
                mem = takeFree(size);
                if (mem != null) {
                    return mem;
                }
            }
        }
        try {
            mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null);
        } catch (CLException e) {
            int s = e.getStatus();
            if (s != CL_MEM_OBJECT_ALLOCATION_FAILURE && s != CL_OUT_OF_RESOURCES && s != CL_OUT_OF_HOST_MEMORY) {
                throw e;
            }
            waitForQueue.run();
            collectGarbage();
            trim();
            mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null);
        }
        inUse.addAndGet(size);
        return mem;
    }

    /** Returns a buffer of {@code size} = {@link #capacity} bytes; called by the Cleaner thread too. */
    void release(cl_mem mem, long size) {
        inUse.addAndGet(-size);
        if (pooled.get() + size <= poolLimitBytes) {
            pooled.addAndGet(size);
            free.computeIfAbsent(size, k -> new ConcurrentLinkedDeque<>()).push(mem);
        } else {
            CL.clReleaseMemObject(mem);
        }
    }

    private cl_mem takeFree(long size) {
        ConcurrentLinkedDeque<cl_mem> list = free.get(size);
        cl_mem mem = list == null ? null : list.poll();
        if (mem != null) {
            pooled.addAndGet(-size);
            inUse.addAndGet(size);
        }
        return mem;
    }

    /** Gives every free buffer back to the driver. */
    void trim() {
        for (Map.Entry<Long, ConcurrentLinkedDeque<cl_mem>> e : free.entrySet()) {
            cl_mem mem;
            while ((mem = e.getValue().poll()) != null) {
                pooled.addAndGet(-e.getKey());
                CL.clReleaseMemObject(mem);
            }
        }
    }

    /** Bytes in buffers handed out and not yet released (including unreachable ones awaiting their Cleaner). */
    long inUseBytes() {
        return inUse.get();
    }

    /** How many free buffers of {@code capacity} bytes wait for reuse. */
    int freeBuffers(long capacity) {
        ConcurrentLinkedDeque<cl_mem> list = free.get(capacity);
        return list == null ? 0 : list.size();
    }

    /** Bytes waiting in the free lists. */
    long pooledBytes() {
        return pooled.get();
    }

    private void collectGarbage() {
        long before = inUse.get();
        System.gc();
        // The Cleaner thread returns buffers asynchronously: give it a moment.
        for (int i = 0; i < 20 && inUse.get() >= before; i++) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
