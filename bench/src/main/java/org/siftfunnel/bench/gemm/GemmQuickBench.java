package org.siftfunnel.bench.gemm;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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
 * {@code --rounds R} (default 7), {@code --warmup-ms MS} (default 3000).
 */
public final class GemmQuickBench {

    /** Minimum duration of one timed round, so that short products are repeated enough. */
    private static final long ROUND_NANOS = 60_000_000L;

    /** One measurement. */
    public record Result(int size, int threads, String kernel, String trans, double bestSeconds,
                         double medianSeconds) {

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

        @Override
        public String toString() {
            return String.format("sgemm %s size=%d threads=%d [%s]: best %.3f ms = %.1f GFLOP/s (median %.1f GFLOP/s)",
                    trans, size, threads, kernel, bestSeconds * 1e3, bestGflops(), medianGflops());
        }
    }

    private GemmQuickBench() {
    }

    /**
     * Times {@code C = A·B} (or with the transposes named by {@code trans}) for square matrices of
     * {@code size}: warms up for {@code warmupMillis}, then returns the best and median of
     * {@code rounds} timed rounds.
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
        long warmupEnd = System.nanoTime() + warmupMillis * 1_000_000L;
        int calls = 0;
        long first = System.nanoTime();
        do {
            sgemm.gemm(transA, transB, size, size, size, 1f, a, b, 0f, c);
            calls++;
        } while (System.nanoTime() < warmupEnd);
        double perCall = (System.nanoTime() - first) / (double) calls;
        int repeat = (int) Math.max(1, Math.min(1_000_000, ROUND_NANOS / Math.max(perCall, 1)));
        double[] seconds = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < repeat; i++) {
                sgemm.gemm(transA, transB, size, size, size, 1f, a, b, 0f, c);
            }
            seconds[r] = (System.nanoTime() - t0) / 1e9 / repeat;
        }
        java.util.Arrays.sort(seconds);
        return new Result(size, threads, sgemm.description(), trans.toUpperCase(java.util.Locale.ROOT),
                seconds[0], seconds[rounds / 2]);
    }

    public static void main(String[] args) {
        List<Integer> sizes = List.of(1024);
        List<Integer> threads = defaultThreadList();
        VectorWidth width = VectorWidth.AUTO;
        String trans = "NN";
        int rounds = 7;
        long warmup = 3000;
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
                case "--rounds" -> rounds = parseInts(value, arg).get(0);
                case "--warmup-ms" -> warmup = parseInts(value, arg).get(0);
                default -> fail("unknown option " + arg);
            }
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
        out.println("                      [--trans NN|NT|TN|TT] [--rounds R] [--warmup-ms MS]");
    }

    private static void fail(String message) {
        usage(System.err);
        throw new IllegalArgumentException("GemmQuickBench: " + message);
    }
}
