package org.siftfunnel.kernels.cpu.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerTeamTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3, 5})
    void everyPartRunsOnceOverItsChunk(int threads) {
        WorkerTeam team = WorkerTeam.of(threads);
        for (int parts : new int[] {1, 2, threads, 7, 33}) {
            for (int n : new int[] {0, 3, 1000, 100_000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                AtomicIntegerArray covered = new AtomicIntegerArray(n);
                int p = parts;
                int size = n;
                team.run(parts, n, (part, from, to) -> {
                    runs.incrementAndGet(part);
                    assertEquals(WorkerTeam.bound(size, p, part), from);
                    assertEquals(WorkerTeam.bound(size, p, part + 1), to);
                    for (int i = from; i < to; i++) {
                        covered.incrementAndGet(i);
                    }
                });
                for (int q = 0; q < parts; q++) {
                    assertEquals(1, runs.get(q), "part " + q + " of " + parts + " over " + n);
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(1, covered.get(i), "item " + i + " of " + n + " in " + parts + " parts");
                }
            }
        }
    }

    @Test
    void boundsAreEvenAndAlignedWhenChunksAreLarge() {
        assertEquals(0, WorkerTeam.bound(10, 3, 0));
        assertEquals(3, WorkerTeam.bound(10, 3, 1));
        assertEquals(6, WorkerTeam.bound(10, 3, 2));
        assertEquals(10, WorkerTeam.bound(10, 3, 3));
        // 2 parts of 500: below 2·64·4 items, so the even cut, not a multiple of 64.
        assertEquals(250, WorkerTeam.bound(500, 2, 1));
        // 2 parts of 1000 and 10 000: aligned down to a multiple of 64.
        assertEquals(448, WorkerTeam.bound(1000, 2, 1));
        assertEquals(4992, WorkerTeam.bound(10_000, 2, 1));
    }

    @Test
    void theCallerRunsPartZeroAndTheOthersRunOnWorkers() {
        WorkerTeam team = WorkerTeam.of(2);
        Thread me = Thread.currentThread();
        Thread[] ran = new Thread[2];
        team.run(2, 2, (part, from, to) -> {
            ran[part] = Thread.currentThread();
            if (part == 1) {
                return;
            }
            // Keep part 0 busy long enough that a worker, not the caller, claims part 1.
            long end = System.nanoTime() + 20_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        });
        assertSame(me, ran[0]);
        assertTrue(ran[1].getName().startsWith("siftfunnel-cpu-2-"), "part 1 ran on " + ran[1].getName());
    }

    @Test
    void aFailureIsRethrownOnceEveryPartHasEndedWithTheOthersSuppressed() {
        WorkerTeam team = WorkerTeam.of(3);
        AtomicInteger ended = new AtomicInteger();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> team.run(3, 3, (part, from, to) -> {
            try {
                if (part > 0) {
                    throw new IllegalArgumentException("part " + part);
                }
            } finally {
                ended.incrementAndGet();
            }
        }));
        assertEquals(3, ended.get());
        assertEquals(1, e.getSuppressed().length, "the other part's failure is attached");
        // The team is free again.
        AtomicInteger runs = new AtomicInteger();
        team.run(3, 3, (part, from, to) -> runs.incrementAndGet());
        assertEquals(3, runs.get());
    }

    @Test
    void aPartThatFailsReleasesThePartsWaitingForItAtTheBarrier() {
        WorkerTeam team = WorkerTeam.of(3);
        IllegalStateException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(IllegalStateException.class,
                () -> team.runTogether(3, 3, (part, from, to) -> {
                    if (part == 2) {
                        throw new IllegalStateException("packing failed");
                    }
                    team.awaitAllParts();
                })));
        assertEquals("packing failed", e.getMessage(), "the real failure is reported, not a waiting part's");
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 4})
    void partsRunTogetherMeetAtTheBarrierPhaseByPhase(int threads) {
        WorkerTeam team = WorkerTeam.of(threads);
        int phases = 2000;
        AtomicIntegerArray arrivals = new AtomicIntegerArray(phases);
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int call = 0; call < 3; call++) {
                for (int i = 0; i < phases; i++) {
                    arrivals.set(i, 0);
                }
                assertTrue(team.runTogether(threads, threads, (part, from, to) -> {
                    for (int phase = 0; phase < phases; phase++) {
                        arrivals.incrementAndGet(phase);
                        team.awaitAllParts();
                        // Nobody may be past the barrier before everyone has arrived.
                        assertEquals(threads, arrivals.get(phase), "phase " + phase);
                        team.awaitAllParts();
                    }
                }));
            }
        });
    }

    @Test
    void aCallFromInsideAPartRunsItsPartsOnThatThread() {
        WorkerTeam team = WorkerTeam.of(2);
        ConcurrentHashMap<String, Thread> innerThreads = new ConcurrentHashMap<>();
        AtomicInteger innerRuns = new AtomicInteger();
        boolean[] together = new boolean[2];
        team.run(2, 2, (outer, f, t) -> {
            Thread self = Thread.currentThread();
            team.run(3, 30, (inner, from, to) -> {
                innerRuns.incrementAndGet();
                innerThreads.put(outer + "/" + inner, Thread.currentThread());
                assertSame(self, Thread.currentThread());
            });
            together[outer] = team.runTogether(2, 2, (inner, from, to) -> { });
        });
        assertEquals(6, innerRuns.get());
        assertFalse(together[0] || together[1], "runTogether must refuse while the team is busy");
    }

    @Test
    void concurrentCallersAllFinishWithTheRightSums() {
        WorkerTeam team = WorkerTeam.of(2);
        int callers = 6;
        int calls = 300;
        assertTimeoutPreemptively(LIMIT, () -> {
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Long>> sums = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    sums.add(pool.submit(() -> {
                        start.await();
                        long total = 0;
                        for (int i = 0; i < calls; i++) {
                            AtomicLong sum = new AtomicLong();
                            team.run(2, 1000, (part, from, to) -> {
                                long s = 0;
                                for (int x = from; x < to; x++) {
                                    s += x;
                                }
                                sum.addAndGet(s);
                            });
                            total += sum.get();
                        }
                        return total;
                    }));
                }
                start.countDown();
                for (Future<Long> f : sums) {
                    assertEquals(calls * 999L * 1000 / 2, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void aWarmCallAllocatesNothingOnAnyThread() {
        TeamAllocation.assumeCountable();
        WorkerTeam team = WorkerTeam.of(2);
        float[] data = new float[4096];
        WorkerTeam.Job job = (part, from, to) -> {
            for (int i = from; i < to; i++) {
                data[i] += 1f;
            }
        };
        Runnable call = () -> team.run(2, data.length, job);
        for (int i = 0; i < 200; i++) {
            call.run();
        }
        assertEquals(0, TeamAllocation.leastBytes(2, 4, 50, call), "bytes allocated by 50 warm split calls");
    }

    @Test
    void badPartCountsAreRefusedWithTheirValue() {
        WorkerTeam team = WorkerTeam.of(2);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> team.run(0, 5, (p, f, t) -> { }));
        assertTrue(none.getMessage().contains("got 0"), none.getMessage());
        IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                () -> team.runTogether(3, 3, (p, f, t) -> { }));
        assertTrue(many.getMessage().contains("3 parts"), many.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerTeam.of(1));
    }
}
