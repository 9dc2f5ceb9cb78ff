package org.siftfunnel.kernels.cpu;

import org.siftfunnel.kernels.cpu.threads.WorkerTeam;

/**
 * Splits loops over a fixed number of threads: the calling thread and the workers of the
 * shared {@link WorkerTeam} of that thread count.
 *
 * <p>Work below {@link #MIN_PARALLEL_WORK} units runs on the caller: handing it to another
 * thread costs more than it saves. The caller always runs the first part itself.
 *
 * <p>Which thread runs the other parts is up to the team: a thread that is free first claims
 * the next part, so one thread may run several parts of a call one after another, and a call
 * made while the team is busy (by another caller, or from inside a part) runs all its parts on
 * the calling thread. So a part may keep data in its thread's scratch buffers
 * ({@link ConvWorkspace}) only while it runs; anything the call reads after the parts are done
 * (per-part partial sums) must be indexed by the part, never by the thread.
 * {@link Schedule#ONE_THREAD} makes the worst case of this, every part on one thread,
 * reproducible for tests.
 *
 * <p>Nothing here allocates per call: the body is handed to the team as it is, and a
 * {@link Range} is already a {@link Part}. Bodies that capture values are objects, though, so
 * allocation-free callers create them only when the work is really split.
 */
final class Parallel {

    /** Below this much work (≈ simple float operations), one thread is faster. */
    static final long MIN_PARALLEL_WORK = 1L << 16;

    /** How {@link #forParts} hands out the parts of a call. */
    enum Schedule {
        /** Part 0 on the calling thread, the others on the shared {@link WorkerTeam}: what the backend uses. */
        TEAM,
        /**
         * Every part on the calling thread, one after another in part order: a schedule the team
         * may also produce, made deterministic so that tests catch a kernel whose parts share
         * per-thread buffers.
         */
        ONE_THREAD
    }

    private final int threads;
    private final Schedule schedule;

    /** A body over chunk {@code part} (0-based) = [from, to); part indexes per-part scratch data. */
    @FunctionalInterface
    interface Part extends WorkerTeam.Job {
    }

    /** A body over one contiguous chunk [from, to) of the items, whichever part it is. */
    @FunctionalInterface
    interface Range extends Part {
        void run(int from, int to);

        @Override
        default void run(int part, int from, int to) {
            run(from, to);
        }
    }

    /**
     * The arguments of one split call, held in the calling thread's instance rather than
     * captured by a lambda (which would be an object per call). {@link #split} clears them when
     * the call ends, so that the thread-local holding the instance does not keep the call's
     * arrays alive.
     */
    abstract static class Call implements Part {
        /** Drops the call's arrays and plans. */
        abstract void clear();
    }

    /** {@link #forParts} with a {@link Call}, cleared afterwards however the call ends. */
    void split(int parts, int n, Call call) {
        try {
            forParts(parts, n, call);
        } finally {
            call.clear();
        }
    }

    Parallel(int threads) {
        this(threads, Schedule.TEAM);
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
        forParts(parts(n, workPerItem), n, body);
    }

    /**
     * Runs {@code body} over [0, n) in exactly {@code parts} contiguous chunks
     * ({@link WorkerTeam#bound}; the last ones possibly empty), the first on the calling thread;
     * returns when all are done and rethrows the first failure.
     */
    void forParts(int parts, int n, Part body) {
        if (parts <= 1) {
            body.run(0, 0, n);
            return;
        }
        if (schedule == Schedule.ONE_THREAD) {
            for (int q = 0; q < parts; q++) {
                body.run(q, WorkerTeam.bound(n, parts, q), WorkerTeam.bound(n, parts, q + 1));
            }
            return;
        }
        WorkerTeam.of(threads).run(parts, n, body);
    }
}
