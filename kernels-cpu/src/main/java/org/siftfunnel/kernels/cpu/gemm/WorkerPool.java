package org.siftfunnel.kernels.cpu.gemm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * Shared fork/join pools, one per thread count, created on first use and kept for the life of
 * the JVM (their threads are daemons). Sharing matters because callers create many
 * {@link Sgemm} instances, and a pool per instance would leak threads.
 */
final class WorkerPool {

    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    private WorkerPool() {
    }

    /**
     * Runs {@code body.accept(q)} for every part {@code q < parts} on up to {@code threads}
     * threads: part 0 on the caller (it already has warm packing buffers), the rest on the
     * shared pool. Returns when all parts are done; the first failure is rethrown.
     */
    static void run(int threads, int parts, IntConsumer body) {
        if (parts <= 1 || threads <= 1) {
            for (int q = 0; q < parts; q++) {
                body.accept(q);
            }
            return;
        }
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, ForkJoinPool::new);
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[parts - 1];
        for (int q = 1; q < parts; q++) {
            int part = q;
            others[q - 1] = pool.submit(() -> body.accept(part));
        }
        RuntimeException failure = null;
        try {
            body.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (ForkJoinTask<?> task : others) {
            try {
                task.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
