package org.siftfunnel.kernels.cpu.threads;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Counts the bytes that a piece of work allocates on the calling thread and on the workers of
 * the team it uses, exactly (the JVM's per-thread allocation counters), for tests that check a
 * warm split call allocates nothing anywhere.
 */
public final class TeamAllocation {

    private static final com.sun.management.ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;

    private TeamAllocation() {
    }

    /** Skips the calling test on a JVM that cannot count per-thread allocation. */
    public static void assumeCountable() {
        assumeTrue(THREADS != null && THREADS.isThreadAllocatedMemorySupported(),
                "this JVM cannot count a thread's allocated bytes");
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    /**
     * The least, over {@code rounds} rounds, of the bytes allocated by {@code calls} runs of
     * {@code work} on this thread plus the workers of the {@code threads}-thread team. The least
     * because a per-call allocation shows in every round, while a one-off event of the JVM's own
     * does not.
     */
    public static long leastBytes(int threads, int rounds, int calls, Runnable work) {
        long[] workers = workerIds(WorkerTeam.of(threads));
        long least = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long[] workersBefore = THREADS.getThreadAllocatedBytes(workers);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                work.run();
            }
            long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            long[] workersAfter = THREADS.getThreadAllocatedBytes(workers);
            for (int w = 0; w < workers.length; w++) {
                bytes += workersAfter[w] - workersBefore[w];
            }
            least = Math.min(least, bytes);
        }
        return least;
    }

    /** The thread ids of a team's workers. */
    static long[] workerIds(WorkerTeam team) {
        String prefix = "siftfunnel-cpu-" + team.threads() + "-";
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix))
                .mapToLong(Thread::threadId).sorted().toArray();
        if (ids.length != team.threads() - 1) {
            throw new IllegalStateException("expected " + (team.threads() - 1) + " workers named " + prefix
                    + "*, found " + Arrays.toString(ids));
        }
        return ids;
    }
}
