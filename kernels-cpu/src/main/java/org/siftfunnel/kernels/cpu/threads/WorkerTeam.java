package org.siftfunnel.kernels.cpu.threads;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that runs one split call at a time, allocating nothing per call.
 *
 * <p>Why not a fork/join pool: handing a part to a {@code ForkJoinPool} allocates the task
 * adapter, the array of tasks and the join bookkeeping, about 170 bytes per part, which was
 * all that a warm two-thread GEMM or convolution still allocated. Here the call's job is
 * published in fields of the team and the parts are claimed from one atomic counter, so a warm
 * call allocates nothing at all ({@code WorkerTeamTest}, {@code TwoThreadAllocationTest}).
 *
 * <p>How a call runs: the caller publishes the job, wakes as many parked workers as there are
 * other parts, runs part 0 itself (its thread-local buffers are warm), then claims parts like
 * the workers until none is left, and waits until every claimed part is done. Workers spin
 * briefly between calls (successive kernel calls follow each other within microseconds) and
 * then park.
 *
 * <p>One call at a time: a second caller while the team is busy, or a part that itself asks
 * the team for help (a nested call), does not wait; {@link #run} then runs every part on that
 * thread, in part order, and {@link #runTogether} returns false. Kernels therefore must not
 * assume that parts run on different threads, only that each part runs once; that is the
 * {@code Parallel.Schedule.ONE_THREAD} case the tests cover. Concurrent callers of a shared
 * backend thus get one thread each instead of competing for the same cores.
 *
 * <p>Parts that must run at the same time (they meet at {@link #awaitAllParts}) use
 * {@link #runTogether}, which gives every part its own thread or none.
 *
 * <p>Teams are shared per thread count for the life of the JVM (the workers are daemons):
 * tests create many backends, and a team per backend would leak threads.
 */
public final class WorkerTeam {

    /** The body of a split call: part {@code part} covers the items {@code [from, to)}. */
    @FunctionalInterface
    public interface Job {
        void run(int part, int from, int to);
    }

    /** Chunk boundaries are multiples of this many items when chunks are large, so vector loops rarely end in tails. */
    public static final int ALIGN = 64;
    /** Most parts of one call (the counter that hands them out keeps 16 bits for each). */
    public static final int MAX_PARTS = 0xFFFF;

    /** Spins before a waiting thread parks: about 20–50 µs, longer than the gap between kernel calls. */
    private static final int SPINS = 1 << 11;
    /** A waiter at {@link #awaitAllParts} that has spun this long sleeps in slices of this many nanoseconds. */
    private static final long BARRIER_NAP_NANOS = 20_000;

    private static final Map<Integer, WorkerTeam> TEAMS = new ConcurrentHashMap<>();

    private final int threads;
    private final Worker[] workers;
    /** Held by the one call that owns the team. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** epoch (bits 32–63) | parts (bits 16–31) | next unclaimed part (bits 0–15). */
    private final AtomicLong ticket = new AtomicLong();
    /** Parts of the current call not finished yet. */
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Stable from the moment a part of the current call is claimed until that part is done. */
    private Job job;
    private int items;
    private volatile Thread caller;
    /** Calls the team has run split (written only by the call that holds the team). */
    private volatile long splitCalls;

    // The barrier of runTogether: parties = parts of the current call.
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int barrierGeneration;
    private volatile boolean broken;
    private int parties;

    private WorkerTeam(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, "siftfunnel-cpu-" + threads + "-" + (i + 1));
            workers[i].thread.start();
        }
    }

    /**
     * The team of {@code threads} threads (the caller and {@code threads − 1} workers), created
     * on first use.
     *
     * @throws IllegalArgumentException if {@code threads < 2}
     */
    public static WorkerTeam of(int threads) {
        if (threads < 2) {
            throw new IllegalArgumentException("a worker team needs at least 2 threads, got " + threads);
        }
        WorkerTeam team = TEAMS.get(threads);
        return team != null ? team : TEAMS.computeIfAbsent(threads, WorkerTeam::new);
    }

    /**
     * How many calls this team has run with its workers since it was created (calls it had to
     * leave to their callers not counted): lets tests see that work was really split.
     */
    public long splitCalls() {
        return splitCalls;
    }

    /** Threads of a call, the caller's included. */
    public int threads() {
        return threads;
    }

    /**
     * Item {@code part}'s first boundary when {@code [0, n)} is cut into {@code parts} contiguous
     * chunks: as even as possible, on multiples of {@link #ALIGN} when every chunk has at least
     * four times that many items; {@code bound(n, parts, parts) == n}.
     */
    public static int bound(int n, int parts, int part) {
        if (part >= parts) {
            return n;
        }
        int b = (int) ((long) n * part / parts);
        return n >= (long) parts * ALIGN * 4 ? b / ALIGN * ALIGN : b;
    }

    /**
     * Runs {@code job} over {@code [0, n)} cut into {@code parts} chunks ({@link #bound}), the
     * first on the calling thread, and returns when all are done. When the team is busy (another
     * caller, or a call from inside one of its parts) every part runs on the calling thread in
     * order. The first failure of a part is rethrown once every part has ended, with the
     * others suppressed in it.
     */
    public void run(int parts, int n, Job job) {
        checkParts(parts);
        if (parts == 1 || !tryRun(parts, n, job)) {
            for (int q = 0; q < parts; q++) {
                job.run(q, bound(n, parts, q), bound(n, parts, q + 1));
            }
        }
    }

    /**
     * Runs the {@code parts ≤ threads()} parts of {@code job} over {@code [0, n)} each on its own
     * thread, all at the same time, so that they may meet at {@link #awaitAllParts}; returns
     * false, having run nothing, when the team is busy. Failures as in {@link #run}.
     */
    public boolean runTogether(int parts, int n, Job job) {
        checkParts(parts);
        if (parts > threads) {
            throw new IllegalArgumentException("runTogether: " + parts + " parts need more than the team's "
                    + threads + " threads");
        }
        return tryRun(parts, n, job);
    }

    /**
     * Called by every part of a {@link #runTogether} call: returns once all of them have called
     * it (a reusable barrier).
     *
     * @throws IllegalStateException when another part of the call failed, so that it never comes
     */
    public void awaitAllParts() {
        int generation = barrierGeneration;
        if (broken) {
            throw new PartFailed();
        }
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0); // before the new generation, which is what lets the others go on
            barrierGeneration = generation + 1;
            return;
        }
        for (int spin = 0; barrierGeneration == generation; spin++) {
            if (broken) {
                throw new PartFailed();
            }
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                // A part whose thread the OS descheduled may take a while: sleep rather than burn its core.
                LockSupport.parkNanos(BARRIER_NAP_NANOS);
            }
        }
    }

    private static void checkParts(int parts) {
        if (parts < 1 || parts > MAX_PARTS) {
            throw new IllegalArgumentException("a split call needs 1 to " + MAX_PARTS + " parts, got " + parts);
        }
    }

    private boolean tryRun(int parts, int n, Job job) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            splitCalls++; // only the holder writes it
            this.job = job;
            this.items = n;
            this.parties = parts;
            this.caller = Thread.currentThread();
            arrived.set(0);
            broken = false;
            remaining.set(parts);
            long epoch = (ticket.get() >>> 32) + 1;
            ticket.set(epoch << 32 | (long) parts << 16 | 1); // part 0 is the caller's
            wake(parts - 1);
            runPart(job, 0);
            for (int q = claim(epoch); q >= 0; q = claim(epoch)) {
                runPart(job, q);
            }
            for (int spin = 0; remaining.get() != 0; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable f = failure.getAndSet(null);
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
            return true;
        } finally {
            this.job = null; // drop the call's arrays
            this.caller = null;
            busy.set(false);
        }
    }

    /** Wakes up to {@code count} parked workers; spinning ones see the new ticket themselves. */
    private void wake(int count) {
        for (int i = 0; i < workers.length && count > 0; i++) {
            Worker w = workers[i];
            if (w.parked) {
                LockSupport.unpark(w.thread);
                count--;
            }
        }
    }

    /** The next unclaimed part of call {@code epoch}, or −1 when there is none (or that call is over). */
    private int claim(long epoch) {
        while (true) {
            long t = ticket.get();
            if (t >>> 32 != epoch) {
                return -1;
            }
            int next = (int) (t & 0xFFFF);
            if (next >= (int) ((t >>> 16) & 0xFFFF)) {
                return -1;
            }
            if (ticket.compareAndSet(t, t + 1)) {
                return next;
            }
        }
    }

    private void runPart(Job j, int q) {
        int parts = parties;
        Thread waiting = caller; // read before the count: once it is 0 the caller may be gone
        try {
            j.run(q, bound(items, parts, q), bound(items, parts, q + 1));
        } catch (Throwable e) {
            // Recorded before the barrier breaks, so that the failure reported is the real one
            // and not a sibling's PartFailed.
            if (!failure.compareAndSet(null, e) && !(e instanceof PartFailed)) {
                Throwable first = failure.get();
                if (first != null && first != e) {
                    first.addSuppressed(e);
                }
            }
            broken = true; // parts waiting at the barrier for this one give up
        } finally {
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(waiting);
            }
        }
    }

    /** A worker's life: wait for a call, run the parts it can claim, wait again. */
    private void work(Worker self) {
        long seen = 0;
        while (true) {
            long t = ticket.get();
            long epoch = t >>> 32;
            if (epoch != seen) {
                seen = epoch;
                // Reading the job after a successful claim is safe: the call cannot end, and the
                // next one cannot begin, until the claimed part is done.
                for (int q = claim(epoch); q >= 0; q = claim(epoch)) {
                    runPart(job, q);
                }
                continue;
            }
            for (int spin = 0; spin < SPINS && ticket.get() == t; spin++) {
                Thread.onSpinWait();
            }
            if (ticket.get() == t) {
                self.parked = true;
                // A caller that published after this read sees parked and unparks us (both volatile).
                if (ticket.get() == t) {
                    LockSupport.park(this);
                }
                self.parked = false;
            }
        }
    }

    private static final class Worker {
        final Thread thread;
        volatile boolean parked;

        Worker(WorkerTeam team, String name) {
            this.thread = new Thread(() -> team.work(this), name);
            thread.setDaemon(true);
        }
    }

    /** Thrown at the barrier of a part whose sibling failed; the sibling's failure is the one reported. */
    private static final class PartFailed extends IllegalStateException {
        PartFailed() {
            super("another part of this call failed");
        }
    }
}
