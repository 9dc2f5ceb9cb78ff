package org.siftfunnel.bench.conv;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.siftfunnel.bench.train.TrainStep;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;

/**
 * Times forward + gradient to the input + gradient to the weight of every convolution of the
 * SiftFunnel CNN ({@link SiftFunnelConvLayers}) on a backend's kernels and prints, per layer,
 * the best time of several rounds and GFLOP/s = 3 · 2 · MACs / time (the three products have
 * the same multiply-adds), then the sum over the layers. The CPU time per call of all Java
 * threads is printed too: on a machine shared with other work it is the steadier figure, and
 * with one thread it is about the time the call would take on an idle core.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     org.siftfunnel.bench.conv.ConvQuickBench --image-size 64 --batch 64 --threads 2
 * </pre>
 * Options: {@code --image-size S} (default 64), {@code --batch N} (default 64),
 * {@code --threads T}, {@code --device cpu|reference|opencl[:Q]} (default cpu), {@code --rounds R}
 * (default 5), {@code --warmup-ms MS} per layer (default 1500), {@code --layer SUBSTRING} to
 * time only matching layers, {@code --separate true} to also time the forward pass, the
 * gradient to the input and the gradient to the weight each on its own (CPU ms per call, best
 * of 60 short rounds: short rounds are more often left undisturbed on a shared machine).
 */
public final class ConvQuickBench {

    /** Minimum duration of one timed round. */
    private static final long ROUND_NANOS = 100_000_000L;
    /** Duration and count of the short rounds of {@link #measureSeparately}. */
    private static final long SHORT_ROUND_NANOS = 5_000_000L;
    private static final int SHORT_ROUNDS = 60;

    private ConvQuickBench() {
    }

    /** One layer's timing: the best and median milliseconds of one forward + backward. */
    public record Result(SiftFunnelConvLayers.Layer layer, double bestMs, double medianMs, double bestCpuMs) {
        public double gflops() {
            return 6.0 * layer.macs() / (bestMs * 1e6);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s  fwd+bwd best %8.3f ms (median %8.3f)  %6.1f GFLOP/s; CPU %8.3f ms",
                    layer, bestMs, medianMs, gflops(), bestCpuMs);
        }
    }

    /** Buffers of one layer on one backend. */
    private record Buffers(DeviceBuffer x, DeviceBuffer w, DeviceBuffer b, DeviceBuffer y, DeviceBuffer gy,
                           DeviceBuffer gx, DeviceBuffer gw) {
        static Buffers of(Backend be, SiftFunnelConvLayers.Layer layer, SplittableRandom r) {
            ConvGeometry g = layer.geometry();
            int xs = g.batch() * g.inChannels() * g.inH() * g.inW();
            int ws = g.outChannels() * g.inChannels() * g.kH() * g.kW();
            int ys = g.batch() * g.outChannels() * g.outH() * g.outW();
            return new Buffers(be.upload(random(r, xs)), be.upload(random(r, ws)),
                    layer.bias() ? be.upload(random(r, g.outChannels())) : null,
                    be.allocate(ys), be.upload(random(r, ys)), be.allocate(xs), be.allocate(ws));
        }
    }

    /** Forward, gradient to the input and gradient to the weight, once. */
    private static void once(Backend be, ConvGeometry g, Buffers bu) {
        be.conv2d(bu.x(), bu.w(), bu.b(), bu.y(), g);
        be.conv2dBackwardInput(bu.gy(), bu.w(), bu.gx(), g);
        be.conv2dBackwardWeight(bu.x(), bu.gy(), bu.gw(), g);
        be.synchronize(); // an asynchronous device (OpenCL) must finish before the clock is read
    }

    /**
     * CPU milliseconds per call of the forward pass, the gradient to the input and the gradient
     * to the weight, each timed alone after its own warm-up of {@code warmupMillis}.
     */
    public static double[] measureSeparately(Backend be, SiftFunnelConvLayers.Layer layer, long warmupMillis) {
        ConvGeometry g = layer.geometry();
        Buffers bu = Buffers.of(be, layer, new SplittableRandom(layer.name().hashCode()));
        Runnable[] calls = {
            () -> be.conv2d(bu.x(), bu.w(), bu.b(), bu.y(), g),
            () -> be.conv2dBackwardInput(bu.gy(), bu.w(), bu.gx(), g),
            () -> be.conv2dBackwardWeight(bu.x(), bu.gy(), bu.gw(), g)};
        double[] best = new double[calls.length];
        for (int k = 0; k < calls.length; k++) {
            long end = System.nanoTime() + warmupMillis * 1_000_000L;
            int n = 0;
            long t0 = System.nanoTime();
            do {
                calls[k].run();
                n++;
            } while (System.nanoTime() < end);
            double perCall = (System.nanoTime() - t0) / (double) n;
            int repeat = (int) Math.max(1, Math.min(100_000, SHORT_ROUND_NANOS / Math.max(perCall, 1)));
            best[k] = Double.POSITIVE_INFINITY;
            for (int r = 0; r < SHORT_ROUNDS; r++) {
                long c = javaThreadsCpuNanos();
                for (int i = 0; i < repeat; i++) {
                    calls[k].run();
                }
                best[k] = Math.min(best[k], (javaThreadsCpuNanos() - c) / 1e6 / repeat);
            }
        }
        return best;
    }

    /** Times one layer: warm-up for {@code warmupMillis}, then {@code rounds} rounds. */
    public static Result measure(Backend be, SiftFunnelConvLayers.Layer layer, int rounds, long warmupMillis) {
        ConvGeometry g = layer.geometry();
        Buffers bu = Buffers.of(be, layer, new SplittableRandom(layer.name().hashCode()));
        long end = System.nanoTime() + warmupMillis * 1_000_000L;
        int calls = 0;
        long t0 = System.nanoTime();
        do {
            once(be, g, bu);
            calls++;
        } while (System.nanoTime() < end);
        double perCall = (System.nanoTime() - t0) / (double) calls;
        int repeat = (int) Math.max(1, Math.min(100_000, ROUND_NANOS / Math.max(perCall, 1)));
        double[] ms = new double[rounds];
        double bestCpu = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rounds; r++) {
            long c = javaThreadsCpuNanos();
            long s = System.nanoTime();
            for (int i = 0; i < repeat; i++) {
                once(be, g, bu);
            }
            ms[r] = (System.nanoTime() - s) / 1e6 / repeat;
            bestCpu = Math.min(bestCpu, (javaThreadsCpuNanos() - c) / 1e6 / repeat);
        }
        Arrays.sort(ms);
        return new Result(layer, ms[0], ms[rounds / 2], bestCpu);
    }

    static final String USAGE = "usage: ConvQuickBench [--image-size PX] [--batch N] [--threads T] [--device cpu|reference]"
            + " [--rounds R] [--warmup-ms MS] [--layer NAME] [--separate true|false]";

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
        int size = 64;
        int batch = 64;
        int threads = org.siftfunnel.kernels.cpu.gemm.Sgemm.defaultThreads();
        String device = "cpu";
        int rounds = 5;
        long warmup = 1500;
        String only = "";
        boolean separate = false;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("ConvQuickBench: option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--image-size" -> size = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--device" -> device = v;
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup-ms" -> warmup = Long.parseLong(v);
                case "--layer" -> only = v;
                case "--separate" -> separate = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("ConvQuickBench: unknown option '" + args[i]
                        + "'; expected --image-size, --batch, --threads, --device, --rounds, --warmup-ms, --layer or --separate");
            }
        }
        SiftFunnelConvLayers.checkAgainstModel(size);
        Backend be = TrainStep.backend(device, threads);
        System.out.println("conv2d forward + backward (input and weight), SiftFunnel CNN " + size + "x" + size
                + ", batch " + batch + ", on " + be.description());
        List<SiftFunnelConvLayers.Layer> layers = SiftFunnelConvLayers.of(size, batch);
        double totalMs = 0;
        double totalCpuMs = 0;
        long totalMacs = 0;
        for (SiftFunnelConvLayers.Layer layer : layers) {
            if (!layer.name().contains(only)) {
                continue;
            }
            Result r = measure(be, layer, rounds, warmup);
            System.out.println(r);
            if (separate) {
                double[] ms = measureSeparately(be, layer, warmup);
                System.out.printf(Locale.ROOT, "    CPU ms per call: forward %.3f, gradient to input %.3f, gradient to weight %.3f%n",
                        ms[0], ms[1], ms[2]);
            }
            totalMs += r.bestMs();
            totalCpuMs += r.bestCpuMs();
            totalMacs += layer.macs();
        }
        System.out.printf(Locale.ROOT, "total %.3f ms, %.1f GFLOP/s; CPU %.3f ms%n", totalMs,
                6.0 * totalMacs / (totalMs * 1e6), totalCpuMs);
    }

    /**
     * CPU time of this process's Java threads so far (the caller and the kernel pools; not the
     * JIT compiler or GC threads), in nanoseconds.
     */
    public static long javaThreadsCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long id : mx.getAllThreadIds()) {
            long t = mx.getThreadCpuTime(id);
            if (t > 0) {
                total += t;
            }
        }
        return total;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }
}
