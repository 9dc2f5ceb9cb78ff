package org.siftfunnel.model.mine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.estimate.CorrectedMine;
import org.siftfunnel.engine.estimate.MineProgress;
import org.siftfunnel.engine.estimate.MineResult;
import org.siftfunnel.engine.estimate.PaperMine;
import org.siftfunnel.engine.estimate.PairData;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Augmentation;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Preprocessing;

/**
 * Estimates I(X;Z) between a trained split model's input images and its transmitted features,
 * both ways (spec §2.3 and §10.4):
 * <ul>
 *   <li><b>paper</b>: {@link ConvMineCritic#paper} (sigmoid) trained with the plain DV bound on
 *       the target's training split, evaluated after every epoch on the auxiliary split, the
 *       maximum over epochs reported ({@link PaperMine});</li>
 *   <li><b>corrected</b>: {@link ConvMineCritic#unbounded} trained on the training split with
 *       the moving-average bias-corrected gradient, reported once after training on the
 *       auxiliary split, which it never trained on ({@link CorrectedMine}).</li>
 * </ul>
 * The model runs in eval mode without gradients (its mode is restored afterwards); x is the
 * normalised image; z is {@code perturbation.apply(model.features(x))}, recomputed per batch,
 * so a defense's random noise or dropout is drawn afresh for every batch. Images are
 * preprocessed as the model was trained (the paper's normalisation at the model's input size
 * unless given), without augmentation. Both loaders shuffle (seeded): z is shuffled within a
 * batch to sample the product of the marginals, and a batch of a class-sorted split would
 * otherwise hold one class only.
 */
public final class MineRunner {
    private static final long PAPER_CRITIC_SALT = 0x70617065L;
    private static final long CORRECTED_CRITIC_SALT = 0x636F7272L;
    private static final long EVAL_ORDER_SALT = 0x6576616FL;
    /** The snapshot of the finished paper estimate, while the corrected one trains. */
    static final String PAPER_RESULT = "mine-paper-result";

    /** Makes the progress receiver of each estimator run (e.g. a console progress bar). */
    @FunctionalInterface
    public interface ProgressFactory {
        /** Reports nothing. */
        ProgressFactory NONE = (estimator, epochs, batchesPerEpoch) -> MineProgress.NONE;

        /** Called before estimator {@code "paper"} or {@code "corrected"} starts. */
        MineProgress begin(String estimator, int epochs, int batchesPerEpoch);
    }

    private final SplitModel model;
    private final DataSplits data;
    private final Backend backend;
    private final Preprocessing preprocessing;
    private final MineRunSettings settings;
    private final ProgressFactory progress;

    /**
     * @param model         the trained model (on {@code backend})
     * @param data          its training split trains the critics, its auxiliary split evaluates them
     * @param backend       where batches, critics and the model run
     * @param preprocessing how the model's inputs were prepared when it was trained
     * @param settings      epochs, batch size, learning rates, betas, seed
     * @param progress      progress receivers, or {@link ProgressFactory#NONE}
     */
    public MineRunner(SplitModel model, DataSplits data, Backend backend, Preprocessing preprocessing,
                      MineRunSettings settings, ProgressFactory progress) {
        this.model = Objects.requireNonNull(model, "MineRunner: model");
        this.data = Objects.requireNonNull(data, "MineRunner: data");
        this.backend = Objects.requireNonNull(backend, "MineRunner: backend");
        this.preprocessing = Objects.requireNonNull(preprocessing, "MineRunner: preprocessing");
        this.settings = Objects.requireNonNull(settings, "MineRunner: settings");
        this.progress = progress == null ? ProgressFactory.NONE : progress;
        int size = model.config().imageSize();
        if (preprocessing.outputChannels(data.train()) != model.config().channels()
                || preprocessing.outputHeight(data.train()) != size || preprocessing.outputWidth(data.train()) != size) {
            throw new IllegalArgumentException("MineRunner: preprocessing gives " + preprocessing.outputChannels(data.train())
                    + "×" + preprocessing.outputHeight(data.train()) + "×" + preprocessing.outputWidth(data.train())
                    + " images but " + model.name() + " expects " + model.config().channels() + "×" + size + "×" + size);
        }
    }

    /** With the paper's preprocessing at the model's input size and channel count. */
    public MineRunner(SplitModel model, DataSplits data, Backend backend, MineRunSettings settings, ProgressFactory progress) {
        this(model, data, backend, Preprocessing.paper(model.config().imageSize(), model.config().channels()), settings,
                progress);
    }

    /** Both estimates for features transformed by {@code perturbation} (label it for the report). */
    public MineReport run(String perturbationLabel, UnaryOperator<Tensor> perturbation) {
        return run(perturbationLabel, perturbation, Snapshots.NONE);
    }

    /**
     * {@link #run(String, UnaryOperator)} keeping snapshots in {@code snapshots}: each estimator
     * saves its progress after an epoch whenever one is due, and the finished paper estimate is
     * saved at once, so a stopped run goes on where it was with the same numbers.
     */
    public MineReport run(String perturbationLabel, UnaryOperator<Tensor> perturbation, Snapshots snapshots) {
        MineResult paper = finishedPaper(snapshots.load(PAPER_RESULT));
        if (paper == null) {
            paper = runPaper(perturbation, snapshots);
            Map<String, String> values = new LinkedHashMap<>();
            values.put("resume_point", "the finished paper estimate");
            values.put("value", Double.toString(paper.value()));
            values.put("definition", paper.definition());
            values.put("epoch", Integer.toString(paper.epoch()));
            values.put("history", MineResult.encodeHistory(paper.history()));
            snapshots.save(PAPER_RESULT, new Snapshots.Snapshot(Map.of(), values));
        }
        MineResult corrected = runCorrected(perturbation, snapshots);
        int c = model.config().channels();
        int s = model.config().imageSize();
        return new MineReport(model.name(), perturbationLabel, new int[] {c, s, s}, model.featureShape(), data.train().size(),
                data.auxiliary().size(), settings, paper, corrected);
    }

    /** Unperturbed features. */
    public MineReport run() {
        return run("none", UnaryOperator.identity());
    }

    /** The paper estimate a snapshot holds, or null. */
    private MineResult finishedPaper(Snapshots.Snapshot snap) {
        if (snap == null) {
            return null;
        }
        return new MineResult("paper", Double.parseDouble(snap.value("value")), snap.value("definition"),
                Integer.parseInt(snap.value("epoch")), MineResult.decodeHistory(snap.value("history")), settings.paperSettings());
    }

    /** The released code's estimate ("paper"). */
    public MineResult runPaper(UnaryOperator<Tensor> perturbation) {
        return runPaper(perturbation, Snapshots.NONE);
    }

    private MineResult runPaper(UnaryOperator<Tensor> perturbation, Snapshots snapshots) {
        ConvMineCritic critic = critic(true, PAPER_CRITIC_SALT);
        PairData train = trainPairs(perturbation);
        return withEvalModel(() -> PaperMine.estimate(critic, train, evalPairs(perturbation), settings.paperSettings(),
                progress.begin("paper", settings.epochs(), train.batchesPerEpoch()), snapshots));
    }

    /** The corrected estimate ("corrected"). */
    public MineResult runCorrected(UnaryOperator<Tensor> perturbation) {
        return runCorrected(perturbation, Snapshots.NONE);
    }

    private MineResult runCorrected(UnaryOperator<Tensor> perturbation, Snapshots snapshots) {
        ConvMineCritic critic = critic(false, CORRECTED_CRITIC_SALT);
        PairData train = trainPairs(perturbation);
        return withEvalModel(() -> CorrectedMine.estimate(critic, train, evalPairs(perturbation),
                settings.correctedSettings(), progress.begin("corrected", settings.epochs(), train.batchesPerEpoch()), snapshots));
    }

    private ConvMineCritic critic(boolean sigmoid, long salt) {
        int[] z = model.featureShape();
        int s = model.config().imageSize();
        if (z[1] > s || z[2] > s) {
            throw new IllegalArgumentException("MineRunner: " + model.name() + "'s features are " + z[1] + "×" + z[2]
                    + ", larger than the " + s + "×" + s + " input; the paper's critic pads z to the image size");
        }
        RandomSource rng = new RandomSource(Philox.draw2(settings.seed() ^ salt, 0));
        ConvMineCritic critic = new ConvMineCritic(model.config().channels(), z[0], s, s, sigmoid, rng);
        critic.to(backend);
        return critic;
    }

    private PairData trainPairs(UnaryOperator<Tensor> perturbation) {
        Dataset train = data.train();
        int bs = settings.batchSize();
        BatchLoader loader = BatchLoader.builder(train).batchSize(bs).shuffle(true).dropLast(train.size() >= bs)
                .preprocessing(preprocessing).augmentation(Augmentation.NONE).seed(settings.seed()).backend(backend).build();
        return new FeaturePairs(loader, model, perturbation);
    }

    private PairData evalPairs(UnaryOperator<Tensor> perturbation) {
        BatchLoader loader = BatchLoader.builder(data.auxiliary()).batchSize(settings.batchSize()).shuffle(true)
                .preprocessing(preprocessing).augmentation(Augmentation.NONE).seed(settings.seed() ^ EVAL_ORDER_SALT)
                .backend(backend).build();
        return new FeaturePairs(loader, model, perturbation);
    }

    private MineResult withEvalModel(java.util.function.Supplier<MineResult> run) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            return run.get();
        } finally {
            model.train(wasTraining);
        }
    }
}
