package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendPair;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.BackendProvider;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * What the conformance suite cannot see: the paths the backend only takes for large or deep
 * inputs (split-K GEMM, atomic scatterAdd, strided walks deeper than the kernels' rank 8,
 * convolution in chunks), errors, device-memory release, profiling, device selection and
 * registration.
 */
class OpenClBackendTest {
    private OpenClBackend backend;
    private BackendPair pair;

    @BeforeEach
    void setUp() {
        backend = OpenClTestSupport.backend();
        pair = new BackendPair(new ReferenceBackend(), backend, 1e-5);
    }

    private static float[] uniform(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    private boolean timed(String op) {
        return backend.timings().snapshot().stream().anyMatch(e -> e.op().equals(op) && e.calls() > 0);
    }

    // ---------------------------------------------------------------- paths for large inputs

    @Test
    void largeKGemmIsSplitAndStillMatches() {
        int m = 40;
        int n = 50;
        int k = 3000; // one 64×64 tile of output: fewer tiles than compute units, so K is split
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 0.5f}) {
                    backend.timings().reset();
                    Twin a = pair.upload(uniform(1, m * k));
                    Twin b = pair.upload(uniform(2, k * n));
                    Twin c = beta == 0f ? pair.filled(m * n, Float.NaN) : pair.upload(uniform(3, m * n));
                    pair.run((be, s) -> be.gemm(ta, tb, 1, m, n, k, 0.75f, s.of(a), 0, 0, s.of(b), 0, 0, beta, s.of(c), 0, 0));
                    pair.assertClose("split-K gemm ta=" + ta + " tb=" + tb + " beta=" + beta, c);
                    assertTrue(timed("gemm/splitK-sum"), "K=" + k + " should have been split; timings:\n"
                            + backend.timings().table());
                }
            }
        }
    }

    @Test
    void thinLargeKGemmIsSplitAndStillMatches() {
        // The shape of a small convolution's weight gradient: few outputs, K = pixels of a batch.
        int[][] shapes = {{1, 98, 8192}, {12, 12, 4096}, {3, 1, 2000}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 0.5f}) {
                    backend.timings().reset();
                    Twin a = pair.upload(uniform(4, m * k));
                    Twin b = pair.upload(uniform(5, k * n));
                    Twin c = beta == 0f ? pair.filled(m * n, Float.NaN) : pair.upload(uniform(6, m * n));
                    pair.run((be, s) -> be.gemm(false, tb, 1, m, n, k, 1f, s.of(a), 0, 0, s.of(b), 0, 0, beta, s.of(c), 0, 0));
                    String what = "thin split-K gemm " + m + "x" + n + "x" + k + " tb=" + tb + " beta=" + beta;
                    pair.assertClose(what, c);
                    assertTrue(timed("gemm/splitK/gemm_small") && timed("gemm/splitK-sum"),
                            what + " should have been split; timings:\n" + backend.timings().table());
                }
            }
        }
    }

    @Test
    void fewLongRowsAreReducedInTwoPasses() {
        int outer = 2;
        int n = 100_003; // long rows, fewer than the device's compute units ×4
        for (ReduceOp op : ReduceOp.values()) {
            float[] xs = uniform(20 + op.ordinal(), outer * n);
            xs[n + 77_777] = op == ReduceOp.MIN ? -5f : 5f; // the extreme sits in a late part
            Twin x = pair.upload(xs);
            Twin out = pair.filled(outer, Float.NaN);
            backend.timings().reset();
            pair.run((b, s) -> b.reduce(op, s.of(x), s.of(out), outer, n, 1));
            pair.assertClose("two-pass reduce " + op, out);
            assertTrue(timed("reduce/" + op + "/parts"), "expected the two-pass path:\n" + backend.timings().table());
        }
    }

    @Test
    void scatterAddWithManyIndicesUsesAtomicsAndMatches() {
        int outer = 2;
        int n = 300;
        int inner = 3;
        int k = 40; // n·k = 12000: one work-item per source element, float atomics
        SplittableRandom r = new SplittableRandom(4);
        float[] idx = new float[outer * k * inner];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(7); // few targets: many collisions on the same element
        }
        Twin src = pair.upload(uniform(5, outer * k * inner));
        Twin index = pair.upload(idx);
        Twin acc = pair.upload(uniform(6, outer * n * inner));
        backend.timings().reset();
        pair.run((b, s) -> b.scatterAdd(s.of(src), s.of(index), s.of(acc), outer, n, inner, k));
        pair.assertClose("atomic scatterAdd", acc);
        assertTrue(timed("scatterAdd/atomic"), "expected the atomic kernel:\n" + backend.timings().table());
    }

    @Test
    void stridedWalksDeeperThanRankEight() {
        // Rank 10 with a reversed axis order: no two axes merge, so the walk needs several launches.
        int[] shape = {2, 1, 3, 2, 2, 3, 2, 1, 2, 3};
        int rank = shape.length;
        int[] contiguous = StridedLayout.contiguousStrides(shape);
        int[] reversed = new int[rank];
        int acc = 1;
        for (int a = 0; a < rank; a++) {
            reversed[a] = acc;
            acc *= shape[a];
        }
        int total = acc;
        Twin src = pair.upload(uniform(7, total));
        Twin dst = pair.filled(total, Float.NaN);
        pair.run((b, s) -> b.copyStrided(s.of(src), 0, reversed, s.of(dst), 0, contiguous, shape));
        pair.assertBitIdentical("copyStrided of rank 10", dst);

        // Broadcasting binary op of rank 10: b broadcasts over every other axis.
        int[] bStrides = new int[rank];
        int bSize = 1;
        for (int a = rank - 1; a >= 0; a--) {
            if (a % 2 == 0) {
                bStrides[a] = bSize;
                bSize *= shape[a];
            }
        }
        Twin a = pair.upload(uniform(8, total));
        Twin b = pair.upload(uniform(9, bSize));
        Twin out = pair.filled(total, Float.NaN);
        pair.run((be, s) -> be.binary(BinaryOp.SUB, s.of(a), reversed, s.of(b), bStrides, s.of(out), shape));
        pair.assertBitIdentical("binary SUB of rank 10 with broadcasting", out);
    }

    @Test
    void convolutionInChunksOfImages() {
        long saved = ClConvolution.columnBudget;
        ClConvolution.columnBudget = 2000; // smaller than two images' columns: one image per chunk
        try {
            ConvGeometry g = new ConvGeometry(5, 3, 9, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 9, 8);
            int xSize = 5 * 3 * 9 * 8;
            int wSize = 4 * 3 * 3 * 3;
            int ySize = 5 * 4 * 9 * 8;
            Twin x = pair.upload(uniform(10, xSize));
            Twin w = pair.upload(uniform(11, wSize));
            Twin bias = pair.upload(uniform(12, 4));
            Twin y = pair.filled(ySize, Float.NaN);
            pair.run((b, s) -> b.conv2d(s.of(x), s.of(w), s.of(bias), s.of(y), g));
            pair.assertClose("chunked conv2d", y);
            Twin gy = pair.upload(uniform(13, ySize));
            Twin gx = pair.filled(xSize, Float.NaN);
            pair.run((b, s) -> b.conv2dBackwardInput(s.of(gy), s.of(w), s.of(gx), g));
            pair.assertClose("chunked conv2dBackwardInput", gx);
            Twin gw = pair.filled(wSize, Float.NaN);
            pair.run((b, s) -> b.conv2dBackwardWeight(s.of(x), s.of(gy), s.of(gw), g));
            pair.assertClose("chunked conv2dBackwardWeight (accumulated over chunks)", gw);
        } finally {
            ClConvolution.columnBudget = saved;
        }
    }

    @Test
    void overlappingCopyWithinOneBuffer() {
        Twin t = pair.upload(uniform(14, 40));
        pair.run((b, s) -> b.copy(s.of(t), 0, s.of(t), 3, 30));
        pair.assertBitIdentical("copy forwards onto itself", t);
        pair.run((b, s) -> b.copy(s.of(t), 5, s.of(t), 1, 30));
        pair.assertBitIdentical("copy backwards onto itself", t);
    }

    @Test
    void emptyOperationsAreNoOps() {
        DeviceBuffer empty = backend.allocate(0);
        assertEquals(0, empty.size());
        assertEquals(0, backend.upload(new float[0]).size());
        backend.download(empty, 0, new float[0], 0, 0);
        DeviceBuffer one = backend.upload(new float[] {3f});
        backend.copyStrided(one, 0, new int[] {1, 1}, one, 0, new int[] {1, 1}, new int[] {0, 4});
        backend.unary(UnaryOp.EXP, empty, empty, 0, 0, 0);
        float[] back = new float[1];
        backend.download(one, 0, back, 0, 1);
        assertEquals(3f, back[0]);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void indicesOutOfRangeThrowLikeTheReference() {
        DeviceBuffer x = backend.upload(new float[] {1, 2, 3});
        DeviceBuffer out = backend.allocate(2);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.gather(x, backend.upload(new float[] {1, 5}), out, 1, 3, 1, 2));
        assertEquals("gather: index 5 out of range [0, 3)", e.getMessage());
        // (Like the reference, a failing op may leave partial results, so it writes into a scratch buffer.)
        e = assertThrows(IndexOutOfBoundsException.class, () -> backend.scatterAdd(backend.upload(new float[] {1, 1}),
                backend.upload(new float[] {-1, 0}), backend.allocate(3), 1, 3, 1, 2));
        assertEquals("scatterAdd: index -1 out of range [0, 3)", e.getMessage());
        // The error is cleared: a valid gather afterwards succeeds.
        backend.gather(x, backend.upload(new float[] {2, 0}), out, 1, 3, 1, 2);
        float[] got = new float[2];
        backend.download(out, 0, got, 0, 2);
        assertEquals(3f, got[0]);
        assertEquals(1f, got[1]);
    }

    @Test
    void foreignAndUndersizedBuffersAreRejected() {
        DeviceBuffer heap = new ReferenceBackend().upload(new float[4]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.unary(UnaryOp.NEG, heap, backend.allocate(4), 4, 0, 0));
        assertTrue(e.getMessage().contains("unary NEG") && e.getMessage().contains("Tensor.to"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> backend.unary(UnaryOp.NEG, backend.allocate(3), backend.allocate(4), 4, 0, 0));
        assertTrue(e.getMessage().contains("holds 3 floats but the op needs 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> backend.copy(backend.allocate(4), 2, backend.allocate(4), 0, 3));
        assertTrue(e.getMessage().contains("copy: range [2, 5)"), e.getMessage());
    }

    // ---------------------------------------------------------------- memory, threads, profiling

    @Test
    void unreachableBuffersGiveTheirDeviceMemoryBack() throws InterruptedException {
        backend.synchronize();
        long before = backend.liveDeviceBytes();
        for (int i = 0; i < 16; i++) {
            backend.allocate(1 << 18); // 1 MiB each, dropped at once
        }
        assertTrue(backend.liveDeviceBytes() >= before + (16L << 20), "allocations must be counted");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (backend.liveDeviceBytes() > before + (1L << 20) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(backend.liveDeviceBytes() <= before + (1L << 20),
                "16 MiB of unreachable buffers still held: " + (backend.liveDeviceBytes() - before) + " bytes");
    }

    @Test
    void recycledMemoryComesBackZeroFilled() throws InterruptedException {
        int n = 12345; // an unusual size: no other buffer shares its free list
        long capacity = ClMemoryPool.capacity((long) n * Float.BYTES);
        ClMemoryPool pool = backend.memoryPool();
        int freeBefore = pool.freeBuffers(capacity);
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        backend.upload(ones); // dropped at once: its memory should return to the pool
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.freeBuffers(capacity) == freeBefore && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        int freeAfterDrop = pool.freeBuffers(capacity);
        assertTrue(freeAfterDrop > freeBefore, "the dropped buffer never reached the pool");
        DeviceBuffer again = backend.allocate(n);
        assertEquals(freeAfterDrop - 1, pool.freeBuffers(capacity), "allocate should have reused the pooled buffer");
        float[] back = new float[n];
        backend.download(again, 0, back, 0, n);
        for (int i = 0; i < n; i++) {
            assertEquals(0f, back[i], "recycled buffer element " + i);
        }
    }

    @Test
    void threadsShareTheQueueSafely() throws Exception {
        int n = 4099;
        float[] data = uniform(15, n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                float scale = t + 1;
                results.add(pool.submit(() -> {
                    DeviceBuffer x = backend.upload(data);
                    DeviceBuffer y = backend.allocate(n);
                    for (int rep = 0; rep < 20; rep++) {
                        backend.binaryScalar(BinaryOp.MUL, x, scale, false, y, n);
                        backend.reduce(ReduceOp.SUM, y, y, 1, 1, n);
                    }
                    float[] out = new float[n];
                    backend.download(y, 0, out, 0, n);
                    return out;
                }));
            }
            for (int t = 0; t < results.size(); t++) {
                float[] out = results.get(t).get();
                for (int i = 0; i < n; i++) {
                    assertEquals(data[i] * (t + 1), out[i], "thread " + t + " element " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyCommandIsProfiled() {
        OpTimings timings = backend.timings();
        timings.reset();
        assertTrue(timings.snapshot().isEmpty(), "reset must clear the totals");
        DeviceBuffer x = backend.upload(uniform(16, 1000));
        DeviceBuffer y = backend.allocate(1000);
        for (int i = 0; i < 3; i++) {
            backend.unary(UnaryOp.TANH, x, y, 1000, 0, 0);
        }
        backend.download(y, 0, new float[1000], 0, 1000);
        List<OpTimings.Entry> entries = timings.snapshot();
        OpTimings.Entry tanh = entries.stream().filter(e -> e.op().equals("unary/TANH")).findFirst().orElseThrow();
        assertEquals(3, tanh.calls());
        assertTrue(tanh.totalNanos() > 0, "device time must be positive");
        assertTrue(entries.stream().anyMatch(e -> e.op().equals("download")), "transfers are profiled too");
        String table = timings.table();
        String[] lines = table.split("\n");
        assertTrue(lines[0].matches("op\\s+calls\\s+total ms\\s+%\\s+mean µs"), "header: " + lines[0]);
        assertTrue(table.contains("unary/TANH"), table);
        assertTrue(lines[lines.length - 1].startsWith("total"), "last line: " + lines[lines.length - 1]);
    }

    // ---------------------------------------------------------------- selection and registration

    @Test
    void devicesAreSelectedByIndexOrName() {
        List<ClDevice> devices = ClDevices.list();
        ClDevice first = devices.get(0);
        assertEquals(first.index(), ClDevices.select(devices, "0").index());
        String fragment = first.name().substring(0, Math.min(6, first.name().length())).toUpperCase(Locale.ROOT);
        assertTrue(ClDevices.select(devices, fragment).name().toUpperCase(Locale.ROOT).contains(fragment)
                        || ClDevices.select(devices, fragment).platformName().toUpperCase(Locale.ROOT).contains(fragment),
                "case-insensitive name match for " + fragment);
        String platformWord = first.platformName().split(" ")[0].toLowerCase(Locale.ROOT);
        assertEquals(first.platformName(), ClDevices.select(devices, platformWord).platformName());
        ClDevice byDefault = ClDevices.select(devices, null);
        assertTrue(byDefault.type().equals("GPU") || devices.stream().noneMatch(d -> d.type().equals("GPU")),
                "the default must be a GPU when there is one");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClDevices.select(devices, String.valueOf(devices.size())));
        assertTrue(e.getMessage().contains("out of range") && e.getMessage().contains(first.name()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClDevices.select(devices, "no-such-device-xyz"));
        assertTrue(e.getMessage().contains("no platform or device name contains 'no-such-device-xyz'"), e.getMessage());
    }

    @Test
    void registeredAsAnExplicitOnlyBackend() {
        BackendProvider provider = Backends.providers().stream()
                .filter(p -> p.name().equals("opencl")).findFirst().orElseThrow();
        assertTrue(provider.priority() < 0, "OpenCL must never be the default backend");
        Backend viaRegistry = Backends.get("opencl:0");
        assertEquals("opencl", viaRegistry.name());
        assertNotEquals("opencl", Backends.getDefault().name());
        assertTrue(backend.description().startsWith("opencl: " + backend.device().name()), backend.description());
        String info = OpenClInfo.describePlatforms();
        assertTrue(info.contains(backend.device().name()) && info.contains("compute units") && info.contains("max work-group")
                && info.contains("global") && info.contains("local"), info);
        assertSame(viaRegistry, Backends.get("opencl:0"), "one instance per device name");
        assertEquals(info, provider.describeDevices(), "siftfunnel info shows the platforms through the provider");
        assertTrue(info.startsWith("platform 0: "), info);
    }

    @Test
    void theEngineSeesTheSameTimingsAsTheBackend() {
        assertSame(backend.timings(), backend.opTimings().orElseThrow());
        assertTrue(backend.timings().enabled(), "the profiling queue records from the start");
        assertTrue(backend.timings().measures().contains("profiling"), backend.timings().measures());
    }
}
