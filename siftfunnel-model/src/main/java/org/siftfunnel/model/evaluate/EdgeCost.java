package org.siftfunnel.model.evaluate;

import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * device also runs): eval mode, no gradient, batch of 1, at least {@code max(10, runs/4)} warm-up
 * runs and at least {@value #WARMUP_NANOS} ns of them (the first model measured in a JVM otherwise
 * paid for the JIT: 8.6 ms against 0.8–1.7 ms for the others in a demo run), then the median of
 * {@code runs} timed runs. The latency is a timing, not a result: it
 * depends on the machine and its load and is excluded from reproducibility checks.
 */
public final class EdgeCost {
    /** Shortest warm-up, so that the JIT has compiled the kernels before timing starts. */
    static final long WARMUP_NANOS = 1_500_000_000L;

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
            int warmup = Math.max(10, runs / 4);
            long warmupStart = System.nanoTime();
            for (int i = 0; i < warmup || System.nanoTime() - warmupStart < WARMUP_NANOS; i++) {
                perturbation.apply(model.features(x)).toArray();
            }
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                // toArray forces the result to the host, so asynchronous backends are timed in full.
                perturbation.apply(model.features(x)).toArray();
                times[i] = (System.nanoTime() - t0) / 1e6;
            }
        } finally {
            model.train(wasTraining);
        }
        Arrays.sort(times);
        return runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    }
}
