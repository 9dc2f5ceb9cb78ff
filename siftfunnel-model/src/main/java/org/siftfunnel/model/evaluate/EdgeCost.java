package org.siftfunnel.model.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ModelCost;
import org.siftfunnel.model.arch.SplitModel;

/**
 * What a defense costs the edge device: parameters and MACs of the edge (counted from the
 * module graph by {@link ModelCost}), bytes sent per image (feature elements × 4, float32), and
 * the measured latency of one image through the edge (and the defense's perturbation, which the
 * device also runs): eval mode, no gradient, batch of 1, after a warm-up that lasts until the
 * latency is steady ({@link #steady}), then the median of {@code runs} timed runs.
 *
 * <p>Why the warm-up waits for a steady latency instead of running a fixed time: the first model
 * measured in an evaluation JVM meets batch-1 code paths the training never compiled, and on
 * 2 busy cores the JIT needed more than 3 s for them. Measured with a fixed 1.5 s warm-up, the
 * undefended edge took 10.6 ms against 1.0–1.6 ms for the same model measured a few seconds
 * later. The latency is a timing, not a result: it depends on the machine and its load and is
 * excluded from reproducibility checks.
 */
public final class EdgeCost {
    /** Shortest warm-up, so that the JIT has started compiling the kernels before we judge. */
    static final long WARMUP_NANOS = 1_500_000_000L;
    /** Longest warm-up: a latency that never settles (a noisy machine) is measured anyway. */
    static final long MAX_WARMUP_NANOS = 30_000_000_000L;
    /** Each warm-up block runs at least this long, so its median is not one scheduler slice. */
    static final long BLOCK_NANOS = 250_000_000L;
    /** Blocks whose medians must agree before the latency counts as steady. */
    static final int STEADY_BLOCKS = 3;
    /** How far (relative) those medians may spread. */
    static final double STEADY_SPREAD = 0.10;

    private EdgeCost() {
    }

    /**
     * @param perturbation the defense's inference-time transformation of z (identity for most)
     * @param runs         timed runs (the median is reported)
     */
    public static Map<String, Object> measure(SplitModel model, UnaryOperator<Tensor> perturbation, Backend backend, int runs,
                                              long seed) {
        ModelCost.Cost cost = ModelCost.edge(model);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("edge_params", cost.parameters());
        m.put("edge_macs", cost.macs());
        m.put("feature_shape", Arrays.stream(model.featureShape()).boxed().toList());
        m.put("bytes_per_image", 4L * model.featureSize());
        m.put("edge_latency_ms", latencyMillis(model, perturbation, backend, runs, seed));
        m.put("edge_latency_runs", runs);
        return m;
    }

    /** The median wall time of one single-image edge pass (+ perturbation), in milliseconds. */
    static double latencyMillis(SplitModel model, UnaryOperator<Tensor> perturbation, Backend backend, int runs, long seed) {
        int c = model.config().channels();
        int s = model.config().imageSize();
        RandomSource rng = new RandomSource(seed);
        float[] pixels = new float[c * s * s];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rng.nextFloat() * 2 - 1;
        }
        Tensor x = Tensor.of(backend, pixels, 1, c, s, s);
        boolean wasTraining = model.isTraining();
        model.eval();
        double[] times = new double[runs];
        try (GradMode.Scope g = GradMode.noGrad()) {
            // toArray forces the result to the host, so asynchronous backends are timed in full.
            Runnable pass = () -> perturbation.apply(model.features(x)).toArray();
            List<Double> blockMedians = new ArrayList<>();
            long warmupStart = System.nanoTime();
            do {
                blockMedians.add(medianBlock(pass, Math.max(10, runs / 4), BLOCK_NANOS));
            } while (System.nanoTime() - warmupStart < MAX_WARMUP_NANOS
                    && !(System.nanoTime() - warmupStart >= WARMUP_NANOS && steady(blockMedians)));
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                pass.run();
                times[i] = (System.nanoTime() - t0) / 1e6;
            }
        } finally {
            model.train(wasTraining);
        }
        return median(times);
    }

    /** Runs {@code pass} at least {@code minRuns} times and for at least {@code minNanos}; the median time in ms. */
    private static double medianBlock(Runnable pass, int minRuns, long minNanos) {
        List<Double> t = new ArrayList<>();
        long start = System.nanoTime();
        while (t.size() < minRuns || System.nanoTime() - start < minNanos) {
            long t0 = System.nanoTime();
            pass.run();
            t.add((System.nanoTime() - t0) / 1e6);
        }
        return median(t.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Whether the last {@value #STEADY_BLOCKS} warm-up block medians agree within
     * {@value #STEADY_SPREAD} of the smallest: the JIT has stopped making the pass faster.
     */
    static boolean steady(List<Double> blockMedians) {
        int n = blockMedians.size();
        if (n < STEADY_BLOCKS) {
            return false;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double m : blockMedians.subList(n - STEADY_BLOCKS, n)) {
            lo = Math.min(lo, m);
            hi = Math.max(hi, m);
        }
        return hi <= lo * (1 + STEADY_SPREAD);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
