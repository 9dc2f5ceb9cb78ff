package org.siftfunnel.bench.gemm;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * Quick SGEMM timing without JMH: warm up for a while, then take the best of several timed
 * rounds, each long enough to dwarf the timer's resolution. Prints one line per
 * (size, threads) with GFLOP/s = 2·n³ / time.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     org.siftfunnel.bench.gemm.GemmQuickBench --size 1024 --threads 1,2
 * </pre>
 * Options: {@code --size N[,N...]} (default 1024), {@code --threads T[,T...]} (default 1 and
 * the default thread count), {@code --width auto|scalar|128|256|512}, {@code --trans NN|NT|TN|TT},
 * {@code --rounds R} (default 7), {@code --warmup-ms MS} (minimum warm-up, default 2000; it goes
 * on while the speed still improves), {@code --device cpu|opencl[:Q]} (default cpu; OpenCL runs
 * through {@link OpenClGemm}, which prints GFLOP/s and the per-op device profile).
 */
public final class GemmQuickBench {

    /** Minimum duration of one timed round, so that short products are repeated enough. */
    private static final long ROUND_NANOS = 60_000_000L;
    /** Warm-up is judged window by window. */
    private static final long WARMUP_WINDOW_NANOS = 250_000_000L;
    /**
     * Calls before the JIT can be trusted to have seen the code: an idle compile queue proves
     * nothing while the interpreter is still counting up to its compile thresholds.
     */
    private static final int WARMUP_MIN_CALLS = 200;

    /**
     * One measurement. {@code bestCpuSeconds} is the best round timed by the calling thread's
     * CPU time (NaN with several threads, where it would miss the other threads' work): on a
     * shared machine it leaves out the time the thread spent descheduled.
     */
    public record Result(int size, int threads, String kernel, String trans, double bestSeconds,
                         double medianSeconds, double bestCpuSeconds) {

        /** Floating-point operations of one product. */
        public double flops() {
            return 2.0 * size * size * size;
        }

        public double bestGflops() {
            return flops() / bestSeconds / 1e9;
        }

        public double medianGflops() {
            return flops() / medianSeconds / 1e9;
        }

        /** GFLOP/s by CPU time (single thread only; NaN otherwise). */
        public double bestCpuGflops() {
            return flops() / bestCpuSeconds / 1e9;
        }

        @Override
        public String toString() {
            String line = String.format("sgemm %s size=%d threads=%d [%s]: best %.3f ms = %.1f GFLOP/s (median %.1f GFLOP/s)",
                    trans, size, threads, kernel, bestSeconds * 1e3, bestGflops(), medianGflops());
            return Double.isNaN(bestCpuSeconds) ? line : line + String.format(", by CPU time %.1f GFLOP/s", bestCpuGflops());
        }
    }

    private GemmQuickBench() {
    }

    /**
     * Times {@code C = A·B} (or with the transposes named by {@code trans}) for square matrices of
     * {@code size}: warms up (at least {@code warmupMillis}, see {@link #warmUp}), then returns
     * the best and median of {@code rounds} timed rounds.
     */
    public static Result measure(int size, int threads, VectorWidth width, String trans, int rounds, long warmupMillis) {
        if (size < 1 || threads < 1 || rounds < 1) {
            throw new IllegalArgumentException("GemmQuickBench: size, threads and rounds must be >= 1, got size="
                    + size + " threads=" + threads + " rounds=" + rounds);
        }
        boolean transA = parseTrans(trans, 0);
        boolean transB = parseTrans(trans, 1);
        Sgemm sgemm = new Sgemm(threads, width);
        float[] a = random(size * size, 1);
        float[] b = random(size * size, 2);
        float[] c = new float[size * size];
        double perCall = warmUp(sgemm, transA, transB, size, a, b, c, warmupMillis);
        int repeat = (int) Math.max(1, Math.min(1_000_000, ROUND_NANOS / Math.max(perCall, 1)));
        double[] seconds = new double[rounds];
        double bestCpu = Double.MAX_VALUE;
        ThreadMXBean cpuClock = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            long cpu0 = cpuClock.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < repeat; i++) {
                sgemm.gemm(transA, transB, size, size, size, 1f, a, b, 0f, c);
            }
            seconds[r] = (System.nanoTime() - t0) / 1e9 / repeat;
            bestCpu = Math.min(bestCpu, (cpuClock.getCurrentThreadCpuTime() - cpu0) / 1e9 / repeat);
        }
        Arrays.sort(seconds);
        return new Result(size, threads, sgemm.description(), trans.toUpperCase(Locale.ROOT),
                seconds[0], seconds[rounds / 2], threads == 1 ? bestCpu : Double.NaN);
    }

    /**
     * Runs the product for at least {@code warmupMillis} and {@value #WARMUP_MIN_CALLS} calls, and
     * then on until three windows in a row brought neither a faster call (by 3%) nor JIT
     * activity, at most 20× as long. A steady
     * speed alone is not enough: on a busy machine C2 may need many seconds to compile the
     * vector kernels, and until it has, they run steadily but a thousand times slower through
     * the Vector API's Java fallback. Returns the best time per call, in nanoseconds.
     */
    private static double warmUp(Sgemm sgemm, boolean transA, boolean transB, int size,
                                 float[] a, float[] b, float[] c, long warmupMillis) {
        JitActivity jit = new JitActivity();
        long start = System.nanoTime();
        long minEnd = start + warmupMillis * 1_000_000L;
        long maxEnd = start + 20 * warmupMillis * 1_000_000L;
        double best = Double.MAX_VALUE;
        int quietWindows = 0;
        int calls = 0;
        while (true) {
            long windowEnd = System.nanoTime() + WARMUP_WINDOW_NANOS;
            double windowBest = Double.MAX_VALUE;
            long now;
            do {
                long t0 = System.nanoTime();
                sgemm.gemm(transA, transB, size, size, size, 1f, a, b, 0f, c);
                now = System.nanoTime();
                windowBest = Math.min(windowBest, now - t0);
                calls++;
            } while (now < windowEnd);
            quietWindows = windowBest < best * 0.97 || jit.busy() ? 0 : quietWindows + 1;
            best = Math.min(best, windowBest);
            if (now >= maxEnd || (now >= minEnd && calls >= WARMUP_MIN_CALLS && quietWindows >= 3)) {
                return best;
            }
        }
    }

    public static void main(String[] args) {
        List<Integer> sizes = List.of(1024);
        List<Integer> threads = defaultThreadList();
        VectorWidth width = VectorWidth.AUTO;
        String trans = "NN";
        int rounds = 7;
        long warmup = 2000;
        String device = "cpu";
        boolean roundsGiven = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                usage(System.out);
                return;
            }
            if (i + 1 >= args.length) {
                fail("option " + arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--size", "--sizes" -> sizes = parseInts(value, arg);
                case "--threads" -> threads = parseInts(value, arg);
                case "--width" -> width = VectorWidth.parse(value);
                case "--trans" -> trans = value;
                case "--rounds" -> {
                    rounds = parseInts(value, arg).get(0);
                    roundsGiven = true;
                }
                case "--device" -> device = value;
                case "--warmup-ms" -> warmup = parseInts(value, arg).get(0);
                default -> fail("unknown option " + arg);
            }
        }
        if (device.equals("opencl") || device.startsWith("opencl:")) {
            OpenClGemm.run(device, sizes, roundsGiven ? rounds : OpenClGemm.DEFAULT_REPEATS, System.out);
            return;
        }
        if (!device.equals("cpu")) {
            fail("--device must be cpu, opencl or opencl:QUALIFIER, got '" + device + "'");
        }
        for (int size : sizes) {
            for (int t : threads) {
                System.out.println(measure(size, t, width, trans, rounds, warmup));
            }
        }
    }

    private static List<Integer> defaultThreadList() {
        int all = Sgemm.defaultThreads();
        return all > 1 ? List.of(1, all) : List.of(1);
    }

    private static boolean parseTrans(String trans, int which) {
        if (trans == null || trans.length() != 2) {
            throw new IllegalArgumentException("GemmQuickBench: --trans must be NN, NT, TN or TT, got '" + trans + "'");
        }
        char ch = Character.toUpperCase(trans.charAt(which));
        if (ch != 'N' && ch != 'T') {
            throw new IllegalArgumentException("GemmQuickBench: --trans must be NN, NT, TN or TT, got '" + trans + "'");
        }
        return ch == 'T';
    }

    private static List<Integer> parseInts(String value, String option) {
        List<Integer> list = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                list.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                fail(option + " expects integers separated by commas, got '" + value + "'");
            }
        }
        return list;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static void usage(PrintStream out) {
        out.println("usage: GemmQuickBench [--size N[,N...]] [--threads T[,T...]] [--width auto|scalar|128|256|512]");
        out.println("                      [--trans NN|NT|TN|TT] [--rounds R] [--warmup-ms MS] [--device cpu|opencl[:Q]]");
        out.println("  --device opencl[:Q] times the OpenCL backend's SGEMM (NN; --rounds products per size, default "
                + OpenClGemm.DEFAULT_REPEATS + ") and prints its per-op profile; Q picks the device (index or name part)");
    }

    private static void fail(String message) {
        usage(System.err);
        throw new IllegalArgumentException("GemmQuickBench: " + message);
    }
}
