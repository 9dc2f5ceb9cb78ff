package org.siftfunnel.kernels.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * Times SGEMM N×N×N on an OpenCL device and prints GFLOP/s, as a quick look at a device's
 * speed. Usage: {@code ClGemmQuickBench [--device QUALIFIER] [--repeats R] N...} (default
 * sizes 256 512 1024, first GPU else first device). Device time comes from the profiling events
 * (kernel time only); wall time includes the queue's overhead. One warm-up run per size
 * compiles and caches the kernels first. After each size the per-op profile of the timed
 * products is printed ({@link OpTimings#table}).
 */
public final class ClGemmQuickBench {
    private ClGemmQuickBench() {
    }

    /**
     * One size's result: mean device and wall time per product, and the per-op profile of the
     * timed products (every command they enqueued).
     */
    public record Result(int n, int repeats, double deviceMillis, double wallMillis, List<OpTimings.Entry> profile) {
        public double deviceGflops() {
            return 2.0 * n * n * (double) n / (deviceMillis * 1e6);
        }

        public double wallGflops() {
            return 2.0 * n * n * (double) n / (wallMillis * 1e6);
        }
    }

    public static void main(String[] args) {
        String qualifier = null;
        int repeats = 5;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> qualifier = value(args, ++i, "--device");
                case "--repeats" -> repeats = Integer.parseInt(value(args, ++i, "--repeats"));
                default -> sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(256, 512, 1024);
        }
        String reason = OpenClInfo.unavailableReason();
        if (reason != null) {
            System.err.println("ClGemmQuickBench: " + reason);
            System.exit(2);
        }
        OpenClBackend backend = OpenClBackend.create(qualifier);
        System.out.println(backend.description());
        for (int n : sizes) {
            Result r = run(backend, n, repeats);
            System.out.println(format(r));
            System.out.print(OpTimings.table(r.profile()));
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** One line: size, mean device and wall time per product, and GFLOP/s for both. */
    public static String format(Result r) {
        return String.format(Locale.ROOT, "sgemm %5d: device %9.3f ms %8.2f GFLOP/s | wall %9.3f ms %8.2f GFLOP/s (mean of %d)",
                r.n(), r.deviceMillis(), r.deviceGflops(), r.wallMillis(), r.wallGflops(), r.repeats());
    }

    /** Times {@code repeats} products C = A·B of N×N random matrices after one warm-up. */
    public static Result run(OpenClBackend backend, int n, int repeats) {
        if (n < 1 || repeats < 1) {
            throw new IllegalArgumentException("ClGemmQuickBench: size " + n + " and repeats " + repeats + " must be ≥ 1");
        }
        SplittableRandom r = new SplittableRandom(n);
        float[] host = new float[n * n];
        for (int i = 0; i < host.length; i++) {
            host[i] = (float) r.nextDouble(-1, 1);
        }
        ClBuffer a = backend.upload(host);
        ClBuffer b = backend.upload(host);
        ClBuffer c = backend.allocate(n * n);
        backend.gemm(false, false, 1, n, n, n, 1f, a, 0, 0, b, 0, 0, 0f, c, 0, 0);
        backend.synchronize();
        OpTimings timings = backend.timings();
        timings.setEnabled(true);
        timings.reset();
        long start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            backend.gemm(false, false, 1, n, n, n, 1f, a, 0, 0, b, 0, 0, 0f, c, 0, 0);
        }
        backend.synchronize();
        double wall = (System.nanoTime() - start) / 1e6 / repeats;
        List<OpTimings.Entry> profile = timings.snapshot();
        long deviceNanos = 0;
        for (OpTimings.Entry e : profile) {
            if (e.op().startsWith("gemm")) {
                deviceNanos += e.totalNanos();
            }
        }
        return new Result(n, repeats, deviceNanos / 1e6 / repeats, wall, profile);
    }
}
