package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * An optimisation attack ready to run: every call to {@link #reconstruct} inverts the given
 * features in batches of {@link InversionSettings#batchSize()} with the chosen TV weight,
 * holding the differentiated module frozen meanwhile. Each batch's start is drawn from its own
 * stream (seed, batch counter), so results depend on the seed and call order only.
 */
final class PreparedInversion implements PreparedAttack {
    private final String label;
    private final Module frozen;
    private final UnaryOperator<Tensor> forward;
    private final int[] imageShape;
    private final int[] featureShape;
    private final InversionSettings settings;
    private final float tvWeight;
    private final long seed;
    private final AttackProgress progress;
    private final Snapshots snapshots;
    private final Map<String, Object> metadata;
    private final List<Map<String, Object>> batches = new ArrayList<>();
    private long counter;

    PreparedInversion(String label, Module frozen, UnaryOperator<Tensor> forward, int[] imageShape, int[] featureShape,
            InversionSettings settings, float tvWeight, long seed, AttackProgress progress, Snapshots snapshots,
            Map<String, Object> metadata) {
        this.label = label;
        this.frozen = frozen;
        this.forward = forward;
        this.imageShape = imageShape.clone();
        this.featureShape = featureShape.clone();
        this.settings = settings;
        this.tvWeight = tvWeight;
        this.seed = seed;
        this.progress = progress;
        this.snapshots = snapshots;
        this.metadata = new LinkedHashMap<>(metadata);
        this.metadata.put("tv_weight", (double) tvWeight);
        this.metadata.put("inversions", Collections.unmodifiableList(batches));
    }

    float tvWeight() {
        return tvWeight;
    }

    @Override
    public synchronized Tensor reconstruct(Tensor z) {
        Features.check(label, z, featureShape);
        List<Tensor> parts = new ArrayList<>();
        try (FrozenModule f = FrozenModule.freeze(frozen)) {
            int n = z.size(0);
            for (int start = 0; start < n; start += settings.batchSize()) {
                int end = Math.min(n, start + settings.batchSize());
                long index = counter++;
                String stage = label + ": inversion batch " + (index + 1);
                String name = "inversion-" + (index + 1);
                // A batch a stopped attempt finished comes back whole; one it was inverting goes on
                // after its last saved iteration.
                FeatureInversion.Result r = finished(snapshots.load(name + "-done"));
                if (r == null) {
                    r = FeatureInversion.invert(forward, z.slice(0, start, end), imageShape, settings, tvWeight,
                            new RandomSource(Philox.draw2(seed, index)), progress, stage, snapshots, name);
                    Map<String, String> values = new LinkedHashMap<>();
                    values.put("resume_point", "the finished batch " + (index + 1));
                    values.put("curve", FeatureInversion.encode(r.curve()));
                    snapshots.save(name + "-done", new Snapshots.Snapshot(Map.of("images", r.images()), values));
                }
                parts.add(r.images());
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("batch", index + 1);
                summary.put("images", end - start);
                summary.put("initial_objective", r.curve().get(0)[1]);
                summary.put("final_objective", r.finalLoss());
                batches.add(summary);
                metadata.put("last_curve", r.curveJson());
            }
        }
        return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts.toArray(Tensor[]::new));
    }

    private static FeatureInversion.Result finished(Snapshots.Snapshot snap) {
        return snap == null ? null : new FeatureInversion.Result(snap.tensor("images"), FeatureInversion.decode(snap.value("curve")));
    }

    @Override
    public synchronized Map<String, Object> metadata() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
