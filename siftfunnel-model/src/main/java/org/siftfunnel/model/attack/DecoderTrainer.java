package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.StateDicts;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.optim.ReduceLROnPlateau;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.StratifiedSplit;

/**
 * Trains a decoder g on the attacker's queries: each epoch it queries the edge with the
 * auxiliary images (normalised; the defense's perturbation applied, as the attacker observes),
 * minimises {@code mse(g(z), x_raw)}, then measures the eval-mode MSE on the selection data and
 * keeps the weights of the epoch where it was lowest ({@link SelectionRule}). The released code
 * queries the edge afresh every epoch, so a randomised defense gives a new draw each time; here
 * the edge answers each image once ({@link ObservedFeatures}) and a randomised defense's
 * perturbation is drawn anew for every batch, which gives the attacker the same features (and
 * draws) at half the cost. Only features too large to cache are queried every epoch.
 *
 * <p>When the context keeps snapshots ({@link AttackContext#snapshots()}), the training saves
 * its state at the end of an epoch whenever one is due and, started again for the same stage,
 * goes on after the last saved epoch with the same numbers an uninterrupted training gives.
 */
public final class DecoderTrainer {
    private static final long TRAIN_SALT = 0x646563747261696EL;
    private static final long SELECTION_SALT = 0x64656373656C6563L;
    private static final long SPLIT_SALT = 0x6465637370L;
    /** The name of the training's snapshot in {@link AttackContext#snapshots()}, and its key prefixes. */
    static final String SNAPSHOT = "decoder";
    private static final String DECODER = "decoder.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String BEST = "best.";
    private static final String PLATEAU = "plateau.";
    static final String STREAM = "stream.";

    private DecoderTrainer() {
    }

    /** The data a decoder trains and is selected on. */
    public record Data(Dataset train, Dataset selection, String selectionDescription) {
    }

    /**
     * The training curve and the chosen checkpoint.
     *
     * @param curve            one record per epoch
     * @param bestEpoch        the epoch whose weights the decoder holds now
     * @param bestSelectionMse its selection MSE (the minimum of the curve)
     */
    public record Result(List<EpochRecord> curve, int bestEpoch, double bestSelectionMse, Data data, boolean cachedQueries) {
    }

    /**
     * The training and selection data a rule implies: the whole auxiliary set and (a seeded
     * subset of) the private training split for {@link SelectionRule#PRIVATE_TRAIN}; for
     * {@link SelectionRule#AUX_HOLDOUT}, a seeded class-stratified part of the auxiliary set is
     * held out for selection and the rest trains.
     */
    public static Data data(AttackContext ctx, DecoderSettings s) {
        Dataset aux = ctx.auxiliary();
        return switch (s.selectionRule()) {
            case PRIVATE_TRAIN -> {
                if (ctx.privateTrain() == null) {
                    throw new IllegalArgumentException("decoder selection rule " + s.selectionRule().label()
                            + " needs the private training split in the attack context, which has none");
                }
                Dataset sel = limit(ctx.privateTrain(), s.selectionLimit(), ctx.derivedSeed(SPLIT_SALT));
                yield new Data(aux, sel, "private training split (" + sel.size() + " images)");
            }
            case AUX_HOLDOUT -> {
                int[][] parts = StratifiedSplit.carve(aux.labels(), aux.numClasses(), s.holdoutFraction(),
                        new RandomSource(ctx.derivedSeed(SPLIT_SALT)));
                if (parts[1].length == 0) {
                    throw new IllegalArgumentException("decoder selection rule aux-holdout: " + aux.size()
                            + " auxiliary images leave nothing to hold out");
                }
                Dataset train = aux.subset(parts[0], aux.name() + "-train", "auxiliary images the decoder trains on");
                Dataset held = limit(aux.subset(parts[1], aux.name() + "-holdout", "auxiliary images held out for checkpoint selection"),
                        s.selectionLimit(), ctx.derivedSeed(SPLIT_SALT + 1));
                yield new Data(train, held, "held-out auxiliary images (" + held.size() + " of " + aux.size() + ")");
            }
        };
    }

    private static Dataset limit(Dataset d, int limit, long seed) {
        if (limit == 0 || limit >= d.size()) {
            return d;
        }
        int[] idx = new int[d.size()];
        Arrays.setAll(idx, i -> i);
        StratifiedSplit.shuffle(idx, new RandomSource(seed));
        int[] chosen = Arrays.copyOf(idx, limit);
        Arrays.sort(chosen);
        return d.subset(chosen, d.name() + "-selection", limit + " images of " + d.name() + " for checkpoint selection");
    }

    /**
     * Trains {@code decoder} (already on the context's backend) and leaves it holding the
     * selected epoch's weights, in eval mode.
     *
     * @param label names the attack in progress reports
     */
    public static Result train(Module decoder, AttackContext ctx, DecoderSettings s, Data data, String label) {
        return train(decoder, ctx, s, data, label, ObservedFeatures.MAX_BYTES);
    }

    /** {@link #train(Module, AttackContext, DecoderSettings, Data, String)} with at most {@code cacheBytes} of cached features per dataset. */
    static Result train(Module decoder, AttackContext ctx, DecoderSettings s, Data data, String label, long cacheBytes) {
        Adam optimizer = new Adam(decoder.parameters(), Adam.Settings.of(s.lr()).withBetas(s.beta1(), s.beta2())
                .withAmsgrad(s.amsgrad()));
        ReduceLROnPlateau plateau = s.plateau() ? new ReduceLROnPlateau(optimizer,
                ReduceLROnPlateau.Settings.of(ReduceLROnPlateau.Mode.MIN).withFactor(s.plateauFactor())
                        .withPatience(s.plateauPatience())) : null;
        CheckpointSelector selector = new CheckpointSelector(decoder);
        ObservedFeatures trainFeatures = ObservedFeatures.of(ctx, data.train(), cacheBytes, label);
        ObservedFeatures selectionFeatures = ObservedFeatures.of(ctx, data.selection(), cacheBytes, label);
        BatchLoader trainLoader = ctx.loader(data.train(), s.batchSize(), true, TRAIN_SALT);
        BatchLoader selectionLoader = ctx.loader(data.selection(), DecoderSettings.EVAL_BATCH, false, SELECTION_SALT);
        List<EpochRecord> curve = new ArrayList<>();
        int steps = trainLoader.batchesPerEpoch();
        int first = 1 + resume(ctx.snapshots().load(SNAPSHOT), decoder, optimizer, plateau, selector, curve, s);
        for (int epoch = first; epoch <= s.epochs(); epoch++) {
            String stage = String.format(Locale.ROOT, "%s: epoch %d/%d", label, epoch, s.epochs());
            double lr = optimizer.lr();
            decoder.train();
            double sum = 0;
            long seen = 0;
            int step = 0;
            try (BatchStream batches = trainLoader.epoch(epoch)) {
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    Tensor z = ObservedFeatures.observe(trainFeatures, ctx, b);
                    optimizer.zeroGrad();
                    Tensor loss = Losses.checkFinite(label + " decoder mse", Losses.mse(decoder.forward(z), b.raw()), step);
                    loss.backward();
                    optimizer.step();
                    sum += (double) loss.item() * b.size();
                    seen += b.size();
                    step++;
                    ctx.progress().update(stage, step, steps + 1, String.format(Locale.ROOT, "mse %.5f", sum / seen));
                }
            }
            double selection = evaluate(decoder, ctx, selectionLoader, selectionFeatures);
            double trainMse = sum / seen;
            curve.add(new EpochRecord(epoch, trainMse, selection, lr));
            selector.offer(epoch, selection);
            if (plateau != null) {
                plateau.step(selection);
            }
            ctx.progress().update(stage, steps + 1, steps + 1, String.format(Locale.ROOT, "mse %.5f, selection mse %.5f%s",
                    trainMse, selection, selector.bestEpoch() == epoch ? " (best)" : ""));
            if (epoch < s.epochs() && ctx.snapshots().due()) {
                ctx.snapshots().save(SNAPSHOT, snapshot(epoch, s.epochs(), decoder, optimizer, plateau, selector, curve));
            }
        }
        selector.restoreBest();
        decoder.eval();
        return new Result(List.copyOf(curve), selector.bestEpoch(), selector.bestScore(), data,
                trainFeatures != null && selectionFeatures != null);
    }

    /**
     * Everything the training loop needs to go on after {@code epoch} exactly as if it had not
     * stopped: the decoder's state (buffers included) and random streams, the optimiser's and
     * the plateau schedule's state, the selector's choice so far and the curve. Batch orders are
     * a function of the epoch and the defense's random streams are the store's to put back.
     */
    private static Snapshots.Snapshot snapshot(int epoch, int epochs, Module decoder, Adam optimizer, ReduceLROnPlateau plateau,
                                                     CheckpointSelector selector, List<EpochRecord> curve) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        decoder.stateDict().forEach((k, v) -> tensors.put(DECODER + k, v));
        optimizer.state().forEach((k, v) -> tensors.put(OPTIMIZER + k, v));
        if (selector.bestState() != null) {
            selector.bestState().forEach((k, v) -> tensors.put(BEST + k, v));
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("epoch", Integer.toString(epoch));
        values.put("resume_point", "epoch " + epoch + "/" + epochs);
        values.put("best_epoch", Integer.toString(selector.bestEpoch()));
        values.put("best_score", Double.toString(selector.bestScore()));
        if (plateau != null) {
            plateau.state().forEach((k, v) -> values.put(PLATEAU + k, Double.toString(v)));
        }
        values.put("curve", Snapshots.encodeRows(curve.stream().map(r -> new double[] {r.trainMse(), r.selectionMse(), r.lr()}).toList()));
        decoder.randomPositions().forEach((k, v) -> values.put(STREAM + k, Long.toString(v)));
        return new Snapshots.Snapshot(tensors, values);
    }

    /**
     * Puts a snapshot's state back (see {@link #snapshot}) and returns the last epoch it
     * completed; 0 (start from the beginning) when there is none.
     */
    private static int resume(Snapshots.Snapshot snap, Module decoder, Adam optimizer, ReduceLROnPlateau plateau,
                              CheckpointSelector selector, List<EpochRecord> curve, DecoderSettings s) {
        if (snap == null) {
            return 0;
        }
        int epoch = Integer.parseInt(snap.value("epoch"));
        if (epoch < 1 || epoch >= s.epochs()) {
            throw new IllegalStateException("decoder snapshot after epoch " + epoch + " does not fit a training of " + s.epochs() + " epochs");
        }
        decoder.loadStateDict(StateDicts.select(snap.tensors(), DECODER), true);
        optimizer.loadState(StateDicts.select(snap.tensors(), OPTIMIZER));
        Map<String, Tensor> best = StateDicts.select(snap.tensors(), BEST);
        selector.resume(Integer.parseInt(snap.value("best_epoch")), Double.parseDouble(snap.value("best_score")),
                best.isEmpty() ? null : best);
        if (plateau != null) {
            plateau.loadState(snap.doubles(PLATEAU));
        }
        decoder.seekRandomSources(snap.longs(STREAM));
        List<double[]> rows = Snapshots.decodeRows(snap.value("curve"), 3);
        if (rows.size() != epoch) {
            throw new IllegalStateException("decoder snapshot after epoch " + epoch + " holds " + rows.size() + " curve records");
        }
        for (int i = 0; i < rows.size(); i++) {
            curve.add(new EpochRecord(i + 1, rows.get(i)[0], rows.get(i)[1], rows.get(i)[2]));
        }
        return epoch;
    }

    /** Per-element MSE of the decoder (eval mode, no gradient) on the loader's images as the attacker observes their features. */
    public static double evaluate(Module decoder, AttackContext ctx, BatchLoader loader) {
        return evaluate(decoder, ctx, loader, null);
    }

    /** {@link #evaluate(Module, AttackContext, BatchLoader)} with the loader's features from {@code cache} when there is one. */
    static double evaluate(Module decoder, AttackContext ctx, BatchLoader loader, ObservedFeatures cache) {
        boolean wasTraining = decoder.isTraining();
        decoder.eval();
        double sum = 0;
        long count = 0;
        try (GradMode.Scope g = GradMode.noGrad(); BatchStream batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                Tensor out = decoder.forward(ObservedFeatures.observe(cache, ctx, b));
                sum += out.sub(b.raw()).square().sum().item();
                count += b.raw().numel();
            }
        } finally {
            decoder.train(wasTraining);
        }
        return sum / count;
    }
}
