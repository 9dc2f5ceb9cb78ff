package org.siftfunnel.bench.train;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

import org.siftfunnel.bench.conv.ConvQuickBench;

/**
 * Times a full training step ({@link TrainStep}) without JMH and prints milliseconds per step:
 * a few warm-up steps, then {@code --steps} timed steps, reporting the best, the median and
 * the mean wall time, the process CPU time per step (all threads, JIT and GC included) and the
 * best CPU time of the Java threads (the caller and the kernel pools) in one step: on a machine
 * shared with other work, the CPU times are the steadier figures.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     org.siftfunnel.bench.train.TrainStepQuickBench --model siftfunnel --image-size 32 --batch 64 --threads 2
 * </pre>
 * Options: {@code --model cnn|siftfunnel} (default siftfunnel), {@code --image-size 32|64}
 * (default 32), {@code --batch N} (default 64), {@code --threads T} (default: the cpu
 * backend's default), {@code --device cpu|reference|opencl[:Q]} (default cpu), {@code --steps N}
 * (default 10), {@code --warmup N} (default 3 steps).
 */
public final class TrainStepQuickBench {

    private TrainStepQuickBench() {
    }

    /** Best, median and mean of timed steps, in milliseconds. */
    public record Result(String setup, double bestMs, double medianMs, double meanMs, double cpuMsPerStep,
                         double bestJavaCpuMs, int steps) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "train step %s: best %.1f ms, median %.1f ms, mean %.1f ms over %d steps; process CPU %.1f ms/step, "
                            + "Java threads' CPU best %.1f ms/step",
                    setup, bestMs, medianMs, meanMs, steps, cpuMsPerStep, bestJavaCpuMs);
        }
    }

    /** Warms {@code step} up with {@code warmup} steps, then times {@code steps} steps one by one. */
    public static Result measure(TrainStep step, int warmup, int steps) {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("TrainStepQuickBench: steps must be >= 1 and warmup >= 0, got steps="
                    + steps + " warmup=" + warmup);
        }
        float sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += step.run();
        }
        double[] ms = new double[steps];
        double bestJava = Double.POSITIVE_INFINITY;
        long cpu0 = processCpuNanos();
        for (int i = 0; i < steps; i++) {
            long j0 = ConvQuickBench.javaThreadsCpuNanos();
            long t0 = System.nanoTime();
            sink += step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            bestJava = Math.min(bestJava, (ConvQuickBench.javaThreadsCpuNanos() - j0) / 1e6);
        }
        if (Float.isNaN(sink)) {
            System.err.println("warning: the loss became NaN during the benchmark");
        }
        double cpuMs = (processCpuNanos() - cpu0) / 1e6 / steps;
        double mean = Arrays.stream(ms).average().orElse(0);
        Arrays.sort(ms);
        return new Result(step.describe(), ms[0], ms[steps / 2], mean, cpuMs, bestJava, steps);
    }

    /** CPU time of this process so far, all threads (JIT and GC included), in nanoseconds. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    static final String USAGE = "usage: TrainStepQuickBench [--model siftfunnel|cnn] [--image-size PX] [--batch N]"
            + " [--threads T] [--device cpu|reference|opencl[:Q]] [--steps N] [--warmup N]";

    public static void main(String[] args) {
        if (java.util.List.of(args).contains("--help") || java.util.List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    private static void run(String[] args) {
        String model = "siftfunnel";
        int imageSize = 32;
        int batch = 64;
        int threads = org.siftfunnel.kernels.cpu.gemm.Sgemm.defaultThreads();
        String device = "cpu";
        int steps = 10;
        int warmup = 3;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> model = need(args[i], value);
                case "--image-size" -> imageSize = Integer.parseInt(need(args[i], value));
                case "--batch" -> batch = Integer.parseInt(need(args[i], value));
                case "--threads" -> threads = Integer.parseInt(need(args[i], value));
                case "--device" -> device = need(args[i], value);
                case "--steps" -> steps = Integer.parseInt(need(args[i], value));
                case "--warmup" -> warmup = Integer.parseInt(need(args[i], value));
                default -> throw new IllegalArgumentException("TrainStepQuickBench: unknown option '" + args[i]
                        + "'; expected --model, --image-size, --batch, --threads, --device, --steps or --warmup");
            }
            i++;
        }
        TrainStep step = new TrainStep(model, imageSize, batch, TrainStep.backend(device, threads), 1);
        System.out.println(measure(step, warmup, steps));
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("TrainStepQuickBench: option " + option + " needs a value");
        }
        return value;
    }
}
