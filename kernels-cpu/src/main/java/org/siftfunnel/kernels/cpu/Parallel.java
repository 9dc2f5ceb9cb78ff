package org.siftfunnel.kernels.cpu;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits loops over a fixed number of threads. Pools are shared per thread count for the life
 * of the JVM (their threads are daemons), since many backends may be created (tests, one per
 * configuration) and a pool per backend would leak threads.
 *
 * <p>Work below {@link #MIN_PARALLEL_WORK} units runs on the caller: handing it to another
 * thread costs more than it saves. The caller always runs the first part itself.
 *
 * <p>Which thread runs the other parts is up to the pool: a pool thread that is free first takes
 * the next queued part, so one thread may run several parts of a call one after another (with
 * three or more parts; with two there is only one queued part). So a part may keep data in its
 * thread's scratch buffers
 * ({@link ConvWorkspace}) only while it runs; anything the call reads after the parts are done
 * (per-part partial sums) must be indexed by the part, never by the thread.
 * {@link Schedule#ONE_THREAD} makes the worst case of this, every part on one thread,
 * reproducible for tests.
 */
final class Parallel {

    /** Below this much work (≈ simple float operations), one thread is faster. */
    static final long MIN_PARALLEL_WORK = 1L << 16;
    /** Chunk boundaries are multiples of this many items, so vector loops rarely end in tails. */
    private static final int ALIGN = 64;

    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    /** How {@link #forParts} hands out the parts of a call. */
    enum Schedule {
        /** Part 0 on the calling thread, the others on the shared pool: what the backend uses. */
        POOL,
        /**
         * Every part on the calling thread, one after another in part order: a schedule the pool
         * may also produce, made deterministic so that tests catch a kernel whose parts share
         * per-thread buffers.
         */
        ONE_THREAD
    }

    private final int threads;
    private final Schedule schedule;

    /** A body over one contiguous chunk [from, to) of the items. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** A body over chunk {@code part} (0-based) = [from, to); part indexes per-part scratch data. */
    @FunctionalInterface
    interface Part {
        void run(int part, int from, int to);
    }

    Parallel(int threads) {
        this(threads, Schedule.POOL);
    }

    Parallel(int threads, Schedule schedule) {
        if (threads < 1) {
            throw new IllegalArgumentException("cpu backend: threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
    }

    int threads() {
        return threads;
    }

    Schedule schedule() {
        return schedule;
    }

    /** How many parts {@link #forParts} will use for {@code n} items of {@code workPerItem} each. */
    int parts(int n, long workPerItem) {
        if (threads == 1 || n < 2 || (long) n * workPerItem < MIN_PARALLEL_WORK) {
            return 1;
        }
        return Math.min(threads, n);
    }

    /** Runs {@code body} over [0, n), split in {@link #parts} chunks. */
    void forRange(int n, long workPerItem, Range body) {
        forParts(parts(n, workPerItem), n, (part, from, to) -> body.run(from, to));
    }

    /**
     * Runs {@code body} over [0, n) in exactly {@code parts} contiguous chunks (the last ones
     * possibly empty), the first on the calling thread; returns when all are done and rethrows
     * the first failure.
     */
    void forParts(int parts, int n, Part body) {
        if (parts <= 1) {
            body.run(0, 0, n);
            return;
        }
        int[] bounds = split(n, parts);
        if (schedule == Schedule.ONE_THREAD) {
            for (int q = 0; q < parts; q++) {
                body.run(q, bounds[q], bounds[q + 1]);
            }
            return;
        }
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, Parallel::newPool);
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[parts - 1];
        for (int q = 1; q < parts; q++) {
            int part = q;
            others[q - 1] = pool.submit(() -> body.run(part, bounds[part], bounds[part + 1]));
        }
        Throwable failure = null;
        try {
            body.run(0, bounds[0], bounds[1]);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (ForkJoinTask<?> task : others) {
            try {
                task.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** Chunk boundaries: {@code parts + 1} ascending values from 0 to n, aligned when chunks are large. */
    private static int[] split(int n, int parts) {
        int[] bounds = new int[parts + 1];
        boolean align = n >= parts * ALIGN * 4L;
        for (int q = 1; q < parts; q++) {
            int b = (int) ((long) n * q / parts);
            bounds[q] = align ? b / ALIGN * ALIGN : b;
        }
        bounds[parts] = n;
        return bounds;
    }

    private static ForkJoinPool newPool(int threads) {
        return new ForkJoinPool(threads, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("siftfunnel-cpu-" + threads + "-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }
}
