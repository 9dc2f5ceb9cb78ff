package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.StateDicts;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.optim.StepLR;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.Normalization;

/**
 * The query-free attack of He et al. 2019 ({@code shadow}): the attacker cannot query the edge
 * but knows the cloud. It trains a shadow edge (the victim edge's architecture, fresh weights)
 * so that the frozen cloud classifies its auxiliary images correctly,
 * {@code min CE(cloud(shadow(x)), y)}, then inverts the victim's features with rMLE through the
 * shadow edge. The victim's edge is never touched. Settings: {@link ShadowSettings#tuned()} by
 * default (He's training, the tuned inversion); {@link ShadowSettings#he()} is He's configuration
 * throughout.
 */
public final class ShadowAttack implements Attack {
    /** The name of the shadow edge training's snapshot in {@link AttackContext#snapshots()}, and its key prefixes. */
    static final String SNAPSHOT = "shadow-edge";
    private static final String SHADOW = "shadow.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String SCHEDULE = "schedule.";

    private static final long INIT_SALT = 0x736861646F77L;
    private static final long DATA_SALT = 0x7368646174L;
    private static final long INVERSION_SALT = 0x7368696E76L;

    /** Builds the untrained shadow edge for a victim. */
    @FunctionalInterface
    public interface ShadowEdgeFactory {
        Module create(SplitModel victim, RandomSource rng);
    }

    private final ShadowSettings settings;
    private final ShadowEdgeFactory factory;

    /** With a shadow edge of the victim's own architecture. */
    public ShadowAttack(ShadowSettings settings) {
        this(settings, ShadowAttack::sameArchitecture);
    }

    public ShadowAttack(ShadowSettings settings, ShadowEdgeFactory factory) {
        this.settings = Objects.requireNonNull(settings, "ShadowAttack: settings");
        this.factory = Objects.requireNonNull(factory, "ShadowAttack: factory");
    }

    /**
     * A fresh edge of the victim's architecture, from its name {@code backbone/variant} (as
     * {@link Architectures#forName} rebuilds them: the paper's variants and both MID placements).
     *
     * @throws IllegalArgumentException for a victim not built by {@link Architectures} or {@code MidArchitectures}
     */
    public static Module sameArchitecture(SplitModel victim, RandomSource rng) {
        try {
            return Architectures.forName(victim.name(), victim.config(), rng).edge();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("shadow attack: cannot rebuild the architecture of '" + victim.name() + "' ("
                    + e.getMessage() + "); pass a ShadowEdgeFactory", e);
        }
    }

    @Override
    public String name() {
        return "shadow";
    }

    @Override
    public Map<String, Object> settings() {
        return settings.toJson();
    }

    @Override
    public PreparedAttack prepare(AttackContext ctx) {
        SplitModel victim = ctx.victim();
        Module shadow = factory.create(victim, new RandomSource(ctx.derivedSeed(INIT_SALT)));
        shadow.to(ctx.backend());
        List<Map<String, Object>> curve = trainShadow(shadow, victim.cloud(), ctx);
        shadow.eval();
        Normalization norm = ctx.normalization();
        UnaryOperator<Tensor> forward = x -> shadow.forward(norm.apply(x));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("attack", name());
        meta.put("settings", settings());
        meta.put("differentiated", "shadow edge trained against the frozen cloud (the victim edge is not used)");
        meta.put("shadow_curve", curve);
        float weight;
        InversionSettings inv = settings.inversion();
        if (inv.tvWeights().size() == 1) {
            weight = inv.tvWeights().get(0);
            meta.put("tv_weight_rule", "fixed");
        } else {
            // Query-free: the attacker's own auxiliary features come from the shadow edge.
            UnaryOperator<Tensor> observe = x -> {
                try (GradMode.Scope g = GradMode.noGrad()) {
                    return shadow.forward(x).detach();
                }
            };
            TvWeightChoice.Choice choice;
            try (FrozenModule f = FrozenModule.freeze(shadow)) {
                choice = TvWeightChoice.choose(ctx, forward, observe, inv, name());
            }
            weight = choice.weight();
            meta.put("tv_weight_rule", "lowest reconstruction MSE on " + choice.images() + " auxiliary images through the shadow edge");
            meta.put("tv_sweep", choice.sweep());
        }
        return new PreparedInversion(name(), shadow, forward, ctx.imageShape(), ctx.featureShape(), inv, weight,
                ctx.derivedSeed(INVERSION_SALT), ctx.progress(), ctx.snapshots(), meta);
    }

    /** Trains the shadow edge; returns per epoch the mean cross-entropy, accuracy and learning rate. */
    List<Map<String, Object>> trainShadow(Module shadow, Module cloud, AttackContext ctx) {
        Adam optimizer = new Adam(shadow.parameters(), settings.lr());
        StepLR schedule = new StepLR(optimizer, settings.lrHalvingEvery(), 0.5f);
        BatchLoader loader = ctx.loader(ctx.auxiliary(), settings.batchSize(), true, DATA_SALT);
        List<Map<String, Object>> curve = new ArrayList<>();
        int steps = loader.batchesPerEpoch();
        int first = 1 + resume(ctx.snapshots().load(SNAPSHOT), shadow, optimizer, schedule, curve);
        try (FrozenModule frozenCloud = FrozenModule.freeze(cloud)) {
            for (int epoch = first; epoch <= settings.epochs(); epoch++) {
                String stage = String.format(Locale.ROOT, "shadow: epoch %d/%d", epoch, settings.epochs());
                double lr = optimizer.lr();
                shadow.train();
                double sum = 0;
                long correct = 0;
                long seen = 0;
                int step = 0;
                try (BatchStream batches = loader.epoch(epoch)) {
                    while (batches.hasNext()) {
                        Batch b = batches.next();
                        optimizer.zeroGrad();
                        Tensor logProbs = cloud.forward(shadow.forward(b.images()));
                        Tensor loss = Losses.checkFinite("shadow cross-entropy", Losses.nll(logProbs, b.labels()), step);
                        loss.backward();
                        optimizer.step();
                        sum += (double) loss.item() * b.size();
                        correct += countCorrect(logProbs, b.labels());
                        seen += b.size();
                        step++;
                        ctx.progress().update(stage, step, steps, String.format(Locale.ROOT, "ce %.4f, acc %.3f", sum / seen,
                                correct / (double) seen));
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", epoch);
                row.put("cross_entropy", sum / seen);
                row.put("accuracy", correct / (double) seen);
                row.put("lr", lr);
                curve.add(row);
                schedule.step();
                if (epoch < settings.epochs() && ctx.snapshots().due()) {
                    ctx.snapshots().save(SNAPSHOT, snapshot(epoch, shadow, optimizer, schedule, curve));
                }
            }
        }
        return curve;
    }

    /**
     * The shadow edge's training after {@code epoch}: its state (buffers included) and random
     * streams, the optimiser's and the schedule's state and the curve. Batch orders are a
     * function of the epoch; the cloud is frozen.
     */
    private Snapshots.Snapshot snapshot(int epoch, Module shadow, Adam optimizer, StepLR schedule, List<Map<String, Object>> curve) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        shadow.stateDict().forEach((k, v) -> tensors.put(SHADOW + k, v));
        optimizer.state().forEach((k, v) -> tensors.put(OPTIMIZER + k, v));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("epoch", Integer.toString(epoch));
        values.put("resume_point", "epoch " + epoch + "/" + settings.epochs());
        schedule.state().forEach((k, v) -> values.put(SCHEDULE + k, Double.toString(v)));
        shadow.randomPositions().forEach((k, v) -> values.put(DecoderTrainer.STREAM + k, Long.toString(v)));
        values.put("curve", Snapshots.encodeRows(curve.stream().map(row -> new double[] {((Number) row.get("cross_entropy")).doubleValue(),
                ((Number) row.get("accuracy")).doubleValue(), ((Number) row.get("lr")).doubleValue()}).toList()));
        return new Snapshots.Snapshot(tensors, values);
    }

    /** Puts a snapshot back (see {@link #snapshot}); returns the last epoch it completed, 0 without one. */
    private int resume(Snapshots.Snapshot snap, Module shadow, Adam optimizer, StepLR schedule, List<Map<String, Object>> curve) {
        if (snap == null) {
            return 0;
        }
        int epoch = Integer.parseInt(snap.value("epoch"));
        if (epoch < 1 || epoch >= settings.epochs()) {
            throw new IllegalStateException("shadow snapshot after epoch " + epoch + " does not fit a training of " + settings.epochs()
                    + " epochs");
        }
        shadow.loadStateDict(StateDicts.select(snap.tensors(), SHADOW), true);
        optimizer.loadState(StateDicts.select(snap.tensors(), OPTIMIZER));
        schedule.loadState(snap.doubles(SCHEDULE));
        shadow.seekRandomSources(snap.longs(DecoderTrainer.STREAM));
        List<double[]> rows = Snapshots.decodeRows(snap.value("curve"), 3);
        if (rows.size() != epoch) {
            throw new IllegalStateException("shadow snapshot after epoch " + epoch + " holds " + rows.size() + " curve records");
        }
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", i + 1);
            row.put("cross_entropy", rows.get(i)[0]);
            row.put("accuracy", rows.get(i)[1]);
            row.put("lr", rows.get(i)[2]);
            curve.add(row);
        }
        return epoch;
    }

    private static long countCorrect(Tensor logProbs, Tensor labels) {
        float[] pred = logProbs.argmax(1, false).toArray();
        float[] y = labels.toArray();
        long c = 0;
        for (int i = 0; i < y.length; i++) {
            c += pred[i] == y[i] ? 1 : 0;
        }
        return c;
    }
}
