package org.siftfunnel.bench.gemm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The EJML peer of {@link GemmQuickBench}: square fp32 {@code C = A·B} through EJML's
 * {@code CommonOps_FDRM.mult} (single-threaded, row-major {@code FMatrixRMaj}), timed the same
 * way (warm-up, then best and median of several rounds of at least 60 ms, and the best by the
 * thread's CPU time), so that the two lines can be divided. Measure both in one quiet window:
 * {@code bench/peers/compare_ejml.sh}.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.siftfunnel.bench.gemm.EjmlGemmQuickBench --size 256,512,1024
 * </pre>
 * Options: {@code --size N[,N...]} (default 256,512,1024), {@code --rounds R} (default 7),
 * {@code --warmup-ms MS} (default 2000).
 */
public final class EjmlGemmQuickBench {
    private static final long ROUND_NANOS = 60_000_000L;
    /** Calls before timing starts, whatever the warm-up time: the JIT must have compiled mult. */
    private static final int WARMUP_MIN_CALLS = 20;

    private EjmlGemmQuickBench() {
    }

    /** Best and median seconds per product, and the best by CPU time. */
    public record Result(int size, double bestSeconds, double medianSeconds, double bestCpuSeconds) {
        public double flops() {
            return 2.0 * size * size * size;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "ejml CommonOps_FDRM.mult size=%d threads=1: best %.3f ms = %.1f GFLOP/s (median %.1f GFLOP/s), by CPU time %.1f GFLOP/s",
                    size, bestSeconds * 1e3, flops() / bestSeconds / 1e9, flops() / medianSeconds / 1e9,
                    flops() / bestCpuSeconds / 1e9);
        }
    }

    /** Times {@code rounds} rounds of {@code C = A·B} for N×N random matrices after a warm-up. */
    public static Result measure(int size, int rounds, long warmupMillis) {
        if (size < 1 || rounds < 1) {
            throw new IllegalArgumentException("EjmlGemmQuickBench: size and rounds must be >= 1, got size=" + size
                    + " rounds=" + rounds);
        }
        FMatrixRMaj a = random(size, 1);
        FMatrixRMaj b = random(size, 2);
        FMatrixRMaj c = new FMatrixRMaj(size, size);
        long end = System.nanoTime() + warmupMillis * 1_000_000L;
        double perCall = Double.MAX_VALUE;
        for (int calls = 0; calls < WARMUP_MIN_CALLS || System.nanoTime() < end; calls++) {
            long t0 = System.nanoTime();
            CommonOps_FDRM.mult(a, b, c);
            perCall = Math.min(perCall, System.nanoTime() - t0);
        }
        int repeat = (int) Math.max(1, Math.min(1_000_000, ROUND_NANOS / Math.max(perCall, 1)));
        ThreadMXBean cpuClock = ManagementFactory.getThreadMXBean();
        double[] seconds = new double[rounds];
        double bestCpu = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long cpu0 = cpuClock.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < repeat; i++) {
                CommonOps_FDRM.mult(a, b, c);
            }
            seconds[r] = (System.nanoTime() - t0) / 1e9 / repeat;
            bestCpu = Math.min(bestCpu, (cpuClock.getCurrentThreadCpuTime() - cpu0) / 1e9 / repeat);
        }
        Arrays.sort(seconds);
        return new Result(size, seconds[0], seconds[rounds / 2], bestCpu);
    }

    static FMatrixRMaj random(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        FMatrixRMaj m = new FMatrixRMaj(size, size);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return m;
    }

    public static void main(String[] args) {
        List<Integer> sizes = List.of(256, 512, 1024);
        int rounds = 7;
        long warmup = 2000;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("usage: EjmlGemmQuickBench [--size N[,N...]] [--rounds R] [--warmup-ms MS]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("EjmlGemmQuickBench: option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            try {
                switch (args[i]) {
                    case "--size", "--sizes" -> {
                        List<Integer> list = new ArrayList<>();
                        for (String part : v.split(",")) {
                            list.add(Integer.parseInt(part.trim()));
                        }
                        sizes = list;
                    }
                    case "--rounds" -> rounds = Integer.parseInt(v.trim());
                    case "--warmup-ms" -> warmup = Long.parseLong(v.trim());
                    default -> throw new IllegalArgumentException("EjmlGemmQuickBench: unknown option '" + args[i]
                            + "'; expected --size, --rounds or --warmup-ms");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("EjmlGemmQuickBench: " + args[i] + " expects integers, got '" + v + "'");
            }
        }
        for (int size : sizes) {
            System.out.println(measure(size, rounds, warmup));
        }
    }
}
