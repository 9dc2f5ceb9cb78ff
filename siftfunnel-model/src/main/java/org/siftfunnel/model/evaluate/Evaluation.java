package org.siftfunnel.model.evaluate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.estimate.MineProgress;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.ModelCost;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.attack.Attack;
import org.siftfunnel.model.attack.AttackContext;
import org.siftfunnel.model.attack.AttackProgress;
import org.siftfunnel.model.attack.AttackResult;
import org.siftfunnel.model.attack.Attacks;
import org.siftfunnel.model.attack.PreparedAttack;
import org.siftfunnel.model.attack.SelectionRule;
import org.siftfunnel.model.attack.VictimReconstruction;
import org.siftfunnel.model.console.ProgressBar;
import org.siftfunnel.model.data.Augmentation;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Preprocessing;
import org.siftfunnel.model.defense.Defense;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.defense.Sweep;
import org.siftfunnel.model.metrics.DistanceCorrelationEstimate;
import org.siftfunnel.model.metrics.FeatureReport;
import org.siftfunnel.model.metrics.ReconstructionReport;
import org.siftfunnel.model.mine.MineReport;
import org.siftfunnel.model.mine.MineRunSettings;
import org.siftfunnel.model.mine.MineRunner;
import org.siftfunnel.model.runtime.wire.WireDType;
import org.siftfunnel.model.runtime.wire.WireFormat;
import org.siftfunnel.model.train.Checkpoints;
import org.siftfunnel.model.train.RunEnvironment;
import org.siftfunnel.model.train.Setting;
import org.siftfunnel.model.train.TrainSettings;
import org.siftfunnel.model.train.Trainer;

/**
 * One evaluation: the defenses × attacks × metrics matrix over one or more seeds, written to
 * {@code DIR/results.json} (format {@value #FORMAT}, see docs/results-format.md).
 *
 * <p>Per seed: every model the entries need is trained (or a finished run folder under
 * {@code DIR/train} is reused, a partial one resumed); the evaluation classifier is trained or
 * reused; then per entry (a defense, or one point of a strength sweep) the stages run in order:
 * {@code accuracy} (inference-time defenses only; trained ones report their run's final test
 * accuracy), {@code edge} (cost), {@code features} (ΔZ, dCor(x, z), covariance spectrum),
 * {@code mine} (both estimators) and one {@code attack:NAME} per attack. Each stage's result is
 * stored under {@code DIR/state} when it finishes ({@link StageStore}) and skipped on a rerun.
 *
 * <p>Randomness: every stage draws from sources derived from the seed and the stage's name
 * (the defense's noise, the attacks' initialisations, the estimators' critics), so the same
 * seed reproduces every number on the same backend and thread count; only timings vary.
 */
public final class Evaluation {
    /** The results file's format tag. */
    public static final String FORMAT = "siftfunnel-results/1";
    /** Keys whose values are timings (excluded from reproducibility checks). */
    public static final Set<String> TIMING_KEYS = Set.of("timings", "edge_latency_ms", "edge_latency_ms_std", "edge_latency_ratio",
            "edge_latency_ratio_std");
    /** How many reconstructions per defense and attack are kept as tensors under {@code recon/}. */
    public static final int RECON_IMAGES = 8;
    private static final int FEATURE_BATCH = 256;

    /** Thrown when a stop was requested (Ctrl-C); every finished stage is on disk. */
    public static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("evaluation interrupted");
        }
    }

    /**
     * One column of the matrix: a defense, or one point of a sweep.
     *
     * @param name          e.g. {@code noise} or {@code noise[sigma=0.5]}
     * @param defense       the registry name
     * @param instance      the configured defense
     * @param modelKey      which trained model it uses ({@code none} for inference-time defenses)
     * @param modelSettings that model's training settings (seed set per run)
     * @param sweep         the sweep it belongs to, or null
     */
    record Entry(String name, String defense, Defense instance, String modelKey, TrainSettings modelSettings, Sweep sweep) {
        boolean inferenceOnly() {
            return !instance.trainedModel().equals(defense);
        }
    }

    /**
     * A trained model with what its run folder reports. The weights are loaded only when a stage
     * has to compute: a run whose stages are all recorded needs no checkpoint, so results.json can
     * be assembled from the stage files and the trainings' records alone (docs/evaluation.md).
     */
    private final class Trained {
        private final String key;
        private final TrainSettings settings;
        private final long seed;
        private final Path run;
        private final double accuracy;
        private final Double accuracyWithoutRecalibration;
        private SplitModel model;

        Trained(String key, TrainSettings settings, long seed, Path run, double accuracy, Double accuracyWithoutRecalibration) {
            this.key = key;
            this.settings = settings;
            this.seed = seed;
            this.run = run;
            this.accuracy = accuracy;
            this.accuracyWithoutRecalibration = accuracyWithoutRecalibration;
        }

        /** The trained model; a finished run whose checkpoint is not in the folder is trained again first. */
        SplitModel model() throws IOException {
            if (model == null) {
                if (Checkpoints.readMetadata(run, "last") == null) {
                    retrainWithoutCheckpoint(this);
                }
                SplitModel m = Trainer.buildModel(settings, data.channels(), data.numClasses());
                m.to(backend);
                Checkpoints.loadInto(run, "last", m, null);
                m.eval();
                model = m;
            }
            return model;
        }
    }

    private final TrainSettings base;
    private final EvaluationSettings eval;
    private final DataSplits data;
    private final Backend backend;
    private final Path dir;
    private final PrintStream out;
    private final StageStore store;
    /** Builds other than this one whose reused results were already announced. */
    private final Set<String> foreignBuilds = new HashSet<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Runs after every stage snapshot is saved (tests end a run there, as a killed process would). */
    private Runnable afterSnapshot = () -> { };
    private volatile Trainer activeTrainer;
    /** The snapshots of the stage running now, if any. */
    private volatile StageSnapshots activeSnapshots;
    private final Map<String, Double> computeSeconds = new LinkedHashMap<>();
    private final Preprocessing prep;
    private final Dataset train;
    private final Dataset test;
    private final Dataset auxiliary;
    private final Dataset victims;
    private final Dataset featureImages;
    private final List<Entry> entries;
    private final List<Long> seeds = new ArrayList<>();
    private int stagesDone;
    private int stagesTotal;
    /** The stages of the current {@link #run} by kind, done and to do. */
    private RemainingTime remaining;
    private long startNanos;

    /**
     * @param base the training settings every model starts from (profile, config, flags); its
     *             {@code defense} is ignored, its {@code seed} is the first seed
     * @param eval defenses, attacks, seeds, sweeps and stage budgets
     * @param data the splits (loaded from {@code base.data})
     * @param dir  the evaluation folder
     */
    public Evaluation(TrainSettings base, EvaluationSettings eval, DataSplits data, Backend backend, Path dir, PrintStream out) {
        base.validate();
        this.base = base;
        this.eval = eval;
        this.data = data;
        this.backend = backend;
        this.dir = dir;
        this.out = out;
        this.store = new StageStore(dir);
        for (int i = 0; i < eval.seeds; i++) {
            seeds.add(base.seed + i);
        }
        this.prep = Preprocessing.paper(base.imageSize, data.channels());
        this.train = limited(data.train(), base.trainLimit, "training");
        this.test = limited(data.test(), base.testLimit, "test");
        this.auxiliary = limited(data.auxiliary(), eval.auxLimit, "auxiliary");
        if (test.size() < 2) {
            throw new IllegalArgumentException("evaluate: the test split has " + test.size() + " images; at least 2 are needed");
        }
        this.victims = spread(test, Math.max(2, eval.attackImages), "attack victims");
        this.featureImages = spread(test, eval.featureImages, "feature statistics images");
        this.entries = plan();
    }

    /** Runs {@code hook} after every snapshot a stage saves; for tests that stop a run part-way through a stage. */
    void afterSnapshot(Runnable hook) {
        this.afterSnapshot = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Asks the evaluation to stop: a training run stops after its batch and checkpoints; a stage
     * that keeps snapshots saves one at its next epoch's end and stops; any other stage stops
     * the run when it is done (or the process exits and it is redone).
     */
    public void requestStop() {
        stop.set(true);
        Trainer t = activeTrainer;
        if (t != null) {
            t.requestStop();
        }
    }

    /** Whether a model is being trained right now (a stop then waits for its checkpoint). */
    public boolean isTraining() {
        return activeTrainer != null;
    }

    /**
     * Whether a stop should wait for the running work to save its state: a training (its
     * checkpoint) or a stage that keeps snapshots (the snapshot at its next epoch's end).
     */
    public boolean isSavingOnStop() {
        StageSnapshots s = activeSnapshots;
        return isTraining() || (s != null && s.inUse());
    }

    /** The stage store (for tests that count executions). */
    public StageStore store() {
        return store;
    }

    /** The entries' names in results order. */
    public List<String> entryNames() {
        return entries.stream().map(Entry::name).toList();
    }

    // ------------------------------------------------------------------ plan

    private List<Entry> plan() {
        List<Sweep> sweeps = eval.parsedSweeps();
        List<String> order = new ArrayList<>(eval.defenses);
        for (Sweep s : sweeps) {
            if (!order.contains(s.defense())) {
                order.add(s.defense());
            }
        }
        Set<String> sweptParameters = new LinkedHashSet<>();
        for (Sweep s : sweeps) {
            if (!sweptParameters.add(s.defense())) {
                throw new IllegalArgumentException("--sweep: defense '" + s.defense() + "' is swept twice; sweep one parameter per defense");
            }
        }
        List<Entry> list = new ArrayList<>();
        for (String d : order) {
            Sweep sweep = sweeps.stream().filter(s -> s.defense().equals(d)).findFirst().orElse(null);
            if (sweep == null) {
                TrainSettings s = copy(base);
                s.set("defense", d);
                list.add(entry(d, d, s, null));
            } else {
                for (Sweep.Variant v : sweep.variants(base)) {
                    list.add(entry(v.name(), d, v.settings(), sweep));
                }
            }
        }
        return List.copyOf(list);
    }

    private Entry entry(String name, String defense, TrainSettings s, Sweep sweep) {
        Defense instance = Defenses.create(s);
        if (!instance.trainedModel().equals(defense)) {
            TrainSettings m = copy(base);
            m.set("defense", instance.trainedModel());
            return new Entry(name, defense, instance, instance.trainedModel(), m, sweep);
        }
        return new Entry(name, defense, instance, name, s, sweep);
    }

    // ------------------------------------------------------------------ run

    /** Runs (or resumes) every stage and writes {@code results.json}; returns its content. */
    public Map<String, Object> run() throws IOException {
        startNanos = System.nanoTime();
        Files.createDirectories(dir);
        List<String> modelKeys = entries.stream().map(Entry::modelKey).distinct().toList();
        stagesDone = 0;
        remaining = new RemainingTime();
        remaining.plan("train", seeds.size() * modelKeys.size());
        remaining.plan("classifier", seeds.size());
        for (Entry e : entries) {
            if (e.inferenceOnly()) {
                remaining.plan("accuracy", seeds.size());
            }
            remaining.plan("edge", seeds.size());
            remaining.plan("features", seeds.size());
            if (eval.mine) {
                remaining.plan("mine", seeds.size());
            }
            eval.attacks.forEach(a -> remaining.plan("attack:" + a, seeds.size()));
        }
        stagesTotal = remaining.planned();
        out.printf(Locale.ROOT, "evaluation %s: %s, defenses %s, attacks %s, seeds %s; %d stages%n", dir, base.arch,
                entryNames(), eval.attacks, seeds, stagesTotal);
        long undefendedMacs = ModelCost.edge(Architectures.create(base.arch, "none",
                ArchConfig.of(data.channels(), base.imageSize, data.numClasses()), new RandomSource(0))).macs();
        List<Map<String, Map<String, Object>>> perSeed = new ArrayList<>();
        Map<String, Object> classifierInfo = null;
        for (long seed : seeds) {
            Map<String, Trained> models = new LinkedHashMap<>();
            for (String key : modelKeys) {
                Entry e = entries.stream().filter(x -> x.modelKey().equals(key)).findFirst().orElseThrow();
                models.put(key, trainOrLoad(key, e.modelSettings(), seed));
            }
            checkStop();
            header(seed, "evaluation classifier", "train or reuse");
            EvaluationClassifier classifier = EvaluationClassifier.obtain(dir, train, test, prep, eval.classifierEpochs, seed, backend, out);
            computeSeconds.merge("classifier_s", classifier.trainingSeconds(), Double::sum);
            remaining.done("classifier", classifier.trainingSeconds(), false);
            stagesDone++;
            if (classifierInfo == null) {
                classifierInfo = classifier.describe();
            }
            Map<String, Map<String, Object>> seedEntries = new LinkedHashMap<>();
            for (Entry e : entries) {
                Trained t = models.get(e.modelKey());
                seedEntries.put(e.name(), evaluateEntry(e, seed, t, classifier, undefendedMacs));
            }
            perSeed.add(seedEntries);
        }
        Map<String, Object> results = assemble(perSeed, classifierInfo);
        writeAtomically(dir.resolve("results.json"), Json.writePretty(results) + "\n");
        out.println("results: " + dir.resolve("results.json"));
        if (results.get("environment") instanceof Map<?, ?> env && env.get("stages_from_other_builds") instanceof Integer other && other > 0) {
            out.printf(Locale.ROOT, "note: %d of the stages were computed by other builds than this one (%s): %s%n", other,
                    store.build(), env.get("stage_builds"));
        }
        return results;
    }

    private void checkStop() {
        if (stop.get()) {
            throw new Interrupted();
        }
    }

    private void header(long seed, String entry, String stage) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String left = remaining.describe();
        out.printf(Locale.ROOT, "%n== [%d/%d, %s elapsed%s] seed %d · %s · %s%n", stagesDone + 1, stagesTotal,
                ProgressBar.formatSeconds(elapsed), left.isEmpty() ? "" : ", " + left, seed, entry, stage);
    }

    // ------------------------------------------------------------------ training

    private Trained trainOrLoad(String key, TrainSettings settings, long seed) throws IOException {
        checkStop();
        TrainSettings s = copy(settings);
        s.set("seed", Long.toString(seed));
        Path run = dir.resolve("train").resolve(StageStore.folderName(key) + "-seed" + seed);
        boolean finished = false;
        boolean hasCheckpoint = false;
        Path config = run.resolve("config.json");
        if (Files.isRegularFile(config)) {
            String stored = normalisedConfig(Json.parse(Files.readString(config)));
            String wanted = normalisedConfig(Json.parse(Json.write(s.toJson())));
            if (!stored.equals(wanted)) {
                throw new IllegalStateException(run + " was trained with other settings than this evaluation asks for ("
                        + difference(stored, wanted) + "); use another --out or remove that folder");
            }
            Map<String, Object> summary = readJson(run.resolve("summary.json"));
            finished = summary != null && Boolean.FALSE.equals(summary.get("interrupted"))
                    && summary.get("epochs_done") instanceof Number n && n.intValue() == s.epochs;
            hasCheckpoint = Checkpoints.readMetadata(run, "last") != null;
        }
        if (!finished) {
            header(seed, key, hasCheckpoint ? "train (resuming " + relative(run) + ")" : "train -> " + relative(run));
            train(s, run, hasCheckpoint);
        } else if (!hasCheckpoint) {
            out.printf(Locale.ROOT, "seed %d · %s: the finished run %s has its records but no checkpoint here; "
                    + "it is trained again only if a stage still to run needs it%n", seed, key, relative(run));
        } else {
            out.printf(Locale.ROOT, "seed %d · %s: reusing the finished run %s%n", seed, key, relative(run));
        }
        stagesDone++;
        Map<String, Object> runInfo = readJson(run.resolve("run.json"));
        noteBuild(seed, key, "train",
                runInfo != null && runInfo.get("environment") instanceof Map<?, ?> env ? env.get("git_commit") : null);
        Map<String, Object> summary = readJson(run.resolve("summary.json"));
        double acc = ((Number) summary.get("final_test_accuracy")).doubleValue();
        Double raw = summary.get("final_test_accuracy_without_recalibration") instanceof Number n ? n.doubleValue() : null;
        double secs = summary.get("seconds") instanceof Number n2 ? n2.doubleValue() : 0;
        computeSeconds.merge("train_s", secs, Double::sum);
        remaining.done("train", secs, !finished);
        return new Trained(key, s, seed, run, acc, raw);
    }

    private void train(TrainSettings s, Path run, boolean resume) throws IOException {
        Trainer trainer = new Trainer(s, data, backend, run, out);
        activeTrainer = trainer;
        Trainer.Result r;
        try {
            if (stop.get()) {
                throw new Interrupted();
            }
            r = trainer.run(resume);
        } finally {
            activeTrainer = null;
        }
        if (r.interrupted()) {
            throw new Interrupted();
        }
        store.countExecution("train");
    }

    /**
     * Trains a finished run again whose checkpoint is missing (its records were copied without
     * it) because a stage needs the model. The same seed, backend and thread count give the same
     * weights; a different accuracy means they did not, and is said, since the recorded stages saw
     * the recorded model. The recorded accuracy stays the one reported.
     */
    private void retrainWithoutCheckpoint(Trained t) throws IOException {
        out.printf(Locale.ROOT, "%nseed %d · %s: a stage needs the model, whose checkpoint is not here: training %s again%n",
                t.seed, t.key, relative(t.run));
        train(t.settings, t.run, false);
        Map<String, Object> summary = readJson(t.run.resolve("summary.json"));
        double again = ((Number) summary.get("final_test_accuracy")).doubleValue();
        if (again != t.accuracy) {
            out.printf(Locale.ROOT, "warning: seed %d · %s: trained again to accuracy %.4f, not the recorded %.4f (another backend, "
                    + "thread count or build): the stages computed from now on see another model than the recorded ones%n",
                    t.seed, t.key, again, t.accuracy);
        }
    }

    /** A run's config without the settings that do not change what is trained's identity (device, threads). */
    private static String normalisedConfig(Object json) {
        Map<String, Object> m = new TreeMap<>();
        if (json instanceof Map<?, ?> map) {
            map.forEach((k, v) -> m.put(String.valueOf(k), v));
        }
        m.remove("device");
        m.remove("threads");
        return Json.write(m);
    }

    private static String difference(String stored, String wanted) {
        Map<?, ?> a = (Map<?, ?>) Json.parse(stored);
        Map<?, ?> b = (Map<?, ?>) Json.parse(wanted);
        List<String> diffs = new ArrayList<>();
        for (Object k : b.keySet()) {
            if (!String.valueOf(a.get(k)).equals(String.valueOf(b.get(k)))) {
                diffs.add(k + " " + a.get(k) + " there, " + b.get(k) + " here");
            }
        }
        return diffs.isEmpty() ? "different keys" : String.join("; ", diffs);
    }

    // ------------------------------------------------------------------ per-entry stages

    /** A stage's computation on the entry's model; it may keep snapshots of its progress in {@code snapshots}. */
    @FunctionalInterface
    private interface StageBody {
        Map<String, Object> run(SplitModel model, StageSnapshots snapshots) throws IOException;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stage(long seed, Entry e, String stage, String category, Map<String, Object> inputs, Trained t,
                                      StageBody body) throws IOException {
        checkStop();
        Map<String, Object> doc = store.find(seed, e.name(), stage, inputs);
        boolean computedHere = doc == null;
        if (doc != null) {
            warnOtherBuild(seed, e.name(), stage, doc.get("build"));
        } else {
            header(seed, e.name(), stage);
            SplitModel model = t.model(); // loaded (or trained again) before the stage's clock starts
            StageSnapshots snapshots = new StageSnapshots(store.file(seed, e.name(), stage), inputs, store.build(), backend,
                    eval.snapshotSeconds, out, "seed " + seed + " · " + e.name() + " · " + stage);
            snapshots.afterSave(afterSnapshot);
            snapshots.stopWhen(stop::get);
            activeSnapshots = snapshots;
            Map<String, Object> result;
            try {
                result = body.run(model, snapshots);
            } finally {
                activeSnapshots = null;
            }
            doc = store.save(seed, e.name(), stage, inputs, snapshots.seconds(), snapshots.resumedSeconds(), result);
            snapshots.clear();
        }
        double seconds = ((Number) doc.get("seconds")).doubleValue();
        remaining.done(stage, seconds, computedHere);
        stagesDone++;
        computeSeconds.merge(category, seconds, Double::sum);
        return (Map<String, Object>) doc.get("result");
    }

    /** Tallies a training's build (as its run.json names it) with the stages' builds. */
    private void noteBuild(long seed, String entry, String stage, Object commit) {
        store.countBuild(commit);
        warnOtherBuild(seed, entry, stage, commit);
    }

    /**
     * Says once per build when a reused stage was computed by other code than this build: the
     * results then mix builds, which a reader must know (a stage's inputs are its settings, not
     * the code, so a newer build resumes an older run rather than redoing it).
     */
    private void warnOtherBuild(long seed, String entry, String stage, Object commit) {
        String c = StageStore.buildLabel(commit);
        if (!c.equals(store.build()) && foreignBuilds.add(c)) {
            out.printf(Locale.ROOT, "seed %d · %s · %s: reusing a result computed by build %s (this is build %s); "
                    + "results.json counts the stages per build under environment.stage_builds%n", seed, entry, stage, c, store.build());
        }
    }

    /** What every stage of an entry depends on; a stage adds its own budget. */
    private Map<String, Object> inputs(Entry e, long seed, Object... extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entry", e.name());
        m.put("seed", seed);
        m.put("params", e.instance().parameters());
        Map<String, Object> model = new TreeMap<>(e.modelSettings().toJson());
        model.remove("device");
        model.remove("threads");
        model.remove("seed");
        m.put("model", model);
        m.put("data", Json.write(data.metadata()).hashCode());
        for (int i = 0; i < extra.length; i += 2) {
            m.put((String) extra[i], extra[i + 1]);
        }
        return m;
    }

    /** The defense's inference-time perturbation with its own random source for one stage. */
    private UnaryOperator<Tensor> perturbation(Entry e, long seed, String stage) {
        return perturbation(e, perturbationStream(e, seed, stage));
    }

    /** The random source of a stage's perturbation, a function of the seed, the entry and the stage. */
    private static RandomSource perturbationStream(Entry e, long seed, String stage) {
        return new RandomSource(Philox.draw2(seed, (e.name() + "/" + stage).hashCode()));
    }

    /** The defense's inference-time perturbation drawing from {@code rng}. */
    private UnaryOperator<Tensor> perturbation(Entry e, RandomSource rng) {
        WireDType wire = WireDType.parse(eval.wireDtype);
        if (wire == WireDType.FLOAT32) {
            return z -> e.instance().perturb(z, rng);
        }
        // What the cloud (and an eavesdropper) receives: z after the defense, then through the
        // wire dtype, one message per batch as EdgeClient sends it.
        return z -> {
            Tensor p = e.instance().perturb(z, rng);
            Tensor received = Tensor.of(p.backend(), WireFormat.roundTrip(p.toArray(), wire), p.shape());
            // Straight through for any caller that differentiates: the values are received's,
            // the gradient is the identity's.
            return p.requiresGrad() ? p.add(received.sub(p.detach())) : received;
        };
    }

    private Map<String, Object> evaluateEntry(Entry e, long seed, Trained t, EvaluationClassifier classifier, long undefendedMacs)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", new LinkedHashMap<>(e.instance().parameters()));
        if (e.inferenceOnly()) {
            Map<String, Object> r = stage(seed, e, "accuracy", "accuracy_s", inputs(e, seed, "test_images", test.size()), t,
                    (model, snaps) -> Map.of("accuracy", accuracy(model, perturbation(e, seed, "accuracy"))));
            m.put("accuracy", r.get("accuracy"));
        } else {
            m.put("accuracy", t.accuracy);
            if (t.accuracyWithoutRecalibration != null) {
                m.put("accuracy_without_recalibration", t.accuracyWithoutRecalibration);
            }
        }
        Map<String, Object> edge = stage(seed, e, "edge", "edge_s", inputs(e, seed, "latency_runs", eval.latencyRuns), t,
                (model, snaps) -> EdgeCost.measure(model, perturbation(e, seed, "edge"), backend, eval.latencyRuns, seed));
        Map<String, Object> features = stage(seed, e, "features", "features_s", inputs(e, seed, "feature_images", featureImages.size()), t,
                (model, snaps) -> features(model, perturbation(e, seed, "features"), seed));
        m.putAll(features);
        if (eval.mine) {
            MineRunSettings ms = eval.mineSettings(seed);
            Map<String, Object> mine = stage(seed, e, "mine", "mine_s", inputs(e, seed, "mine_epochs", ms.epochs(), "mine_batch_size",
                    ms.batchSize(), "mine_train_limit", eval.mineTrainLimit, "mine_eval_limit", eval.mineEvalLimit), t,
                    (model, snaps) -> mine(e, seed, model, ms, snaps));
            m.putAll(mine);
        }
        for (String k : List.of("edge_params", "edge_macs", "bytes_per_image", "edge_latency_ms")) {
            m.put(k, edge.get(k));
        }
        m.put("edge_cost_ratio", ((Number) edge.get("edge_macs")).doubleValue() / undefendedMacs);
        Map<String, Object> attacks = new LinkedHashMap<>();
        for (String a : eval.attacks) {
            Attack attack = Attacks.create(a, eval.attackOptions());
            Map<String, Object> in = inputs(e, seed, "attack", attack.settings(), "aux_images", auxiliary.size(), "victims",
                    victims.size(), "classifier_epochs", eval.classifierEpochs, "recon", seed == seeds.get(0));
            attacks.put(a, stage(seed, e, "attack:" + a, "attacks_s", in, t,
                    (model, snaps) -> attack(e, seed, model, attack, classifier, snaps)));
        }
        if (!attacks.isEmpty()) {
            m.put("attacks", attacks);
        }
        if (!e.inferenceOnly()) {
            m.put("train_run", relative(t.run));
        }
        return m;
    }

    private double accuracy(SplitModel model, UnaryOperator<Tensor> perturbation) {
        BatchLoader loader = BatchLoader.builder(test).batchSize(256).shuffle(false).preprocessing(prep)
                .augmentation(Augmentation.NONE).seed(0).backend(backend).build();
        long correct = 0;
        long seen = 0;
        ProgressBar bar = new ProgressBar(out, "accuracy with the perturbation", loader.batchesPerEpoch());
        int step = 0;
        try (BatchStream batches = loader.epoch(0); GradMode.Scope g = GradMode.noGrad()) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                float[] pred = model.cloud().forward(perturbation.apply(model.features(b.images()))).argmax(1, false).toArray();
                float[] y = b.labels().toArray();
                for (int i = 0; i < y.length; i++) {
                    correct += pred[i] == y[i] ? 1 : 0;
                }
                seen += y.length;
                if (++step < loader.batchesPerEpoch()) { // the last one is drawn by done()
                    bar.update(step, "");
                }
            }
        }
        double acc = seen == 0 ? 0 : (double) correct / seen;
        bar.done(String.format(Locale.ROOT, "accuracy %.4f", acc));
        return acc;
    }

    private Map<String, Object> features(SplitModel model, UnaryOperator<Tensor> perturbation, long seed) {
        BatchLoader loader = BatchLoader.builder(featureImages).batchSize(FEATURE_BATCH).shuffle(false).preprocessing(prep)
                .augmentation(Augmentation.NONE).seed(0).backend(backend).build();
        List<Tensor> xs = new ArrayList<>();
        List<Tensor> zs = new ArrayList<>();
        try (BatchStream batches = loader.epoch(0); GradMode.Scope g = GradMode.noGrad()) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                xs.add(b.images());
                zs.add(perturbation.apply(model.features(b.images())).detach());
            }
        }
        Tensor x = xs.size() == 1 ? xs.get(0) : Tensor.concat(0, xs.toArray(Tensor[]::new));
        Tensor z = zs.size() == 1 ? zs.get(0) : Tensor.concat(0, zs.toArray(Tensor[]::new));
        FeatureReport r = FeatureReport.compute(x, z, DistanceCorrelationEstimate.DEFAULT_BATCH_SIZE, seed);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delta_z", r.deltaZ().meanNonZero());
        m.put("feature_dim", r.deltaZ().dimension());
        m.put("delta_z_ratio", r.deltaZ().fraction());
        m.put("dcor_xz", r.dcor().mean());
        m.put("effective_rank", r.spectrum().effectiveRank());
        m.put("components_90", r.spectrum().componentsFor(0.90));
        m.put("components_99", r.spectrum().componentsFor(0.99));
        m.put("feature_images", featureImages.size());
        return m;
    }

    private Map<String, Object> mine(Entry e, long seed, SplitModel model, MineRunSettings ms, StageSnapshots snapshots) {
        RandomSource stream = perturbationStream(e, seed, "mine");
        snapshots.track(stream);
        UnaryOperator<Tensor> perturbation = perturbation(e, stream);
        DataSplits mineData = new DataSplits(limited(train, eval.mineTrainLimit, "training"), test,
                limited(data.auxiliary(), eval.mineEvalLimit, "auxiliary"));
        MineRunner runner = new MineRunner(model, mineData, backend, prep, ms, (estimator, epochs, batches) -> {
            ProgressBar bar = new ProgressBar(out, "MINE " + estimator, (long) epochs * batches);
            return new MineProgress() {
                @Override
                public void epochDone(int epoch, int total, double trainValue, double evalValue) {
                    if (epoch == total) {
                        bar.done(String.format(Locale.ROOT, "last epoch: train %.4f, eval %.4f nats", trainValue, evalValue));
                    }
                }

                @Override
                public void batchDone(int epoch, int batch, int count) {
                    long done = (long) (epoch - 1) * count + batch;
                    if (done < (long) epochs * batches) { // the last one is drawn by done()
                        bar.update(done, "");
                    }
                }
            };
        });
        MineReport r = runner.run(e.name(), perturbation, snapshots);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mine_paper", r.paper().value());
        m.put("mine_corrected", r.corrected().value());
        m.put("mine_paper_epoch", r.paper().epoch());
        return m;
    }

    private Map<String, Object> attack(Entry e, long seed, SplitModel model, Attack attack, EvaluationClassifier classifier,
                                       StageSnapshots snapshots) throws IOException {
        RandomSource stream = perturbationStream(e, seed, "attack:" + attack.name());
        snapshots.track(stream);
        AttackContext ctx = new AttackContext(model, perturbation(e, stream), auxiliary, train, prep, backend, seed,
                AttackProgress.console(out), !e.instance().perturbsAtRandom(), snapshots);
        PreparedAttack prepared = attack.prepare(ctx);
        AttackResult r = VictimReconstruction.run(attack.name(), prepared, ctx, victims, 64);
        int n = r.targets().shape()[0];
        ReconstructionReport rep = ReconstructionReport.compute(r.targets(), r.reconstructions(), Math.min(64, n));
        Map<String, Object> m = new LinkedHashMap<>();
        rep.toJson().forEach((k, v) -> {
            boolean keep = v != null && !k.endsWith("_std") && !k.endsWith("_batches")
                    && !(k.endsWith("_infinite") && ((Number) v).intValue() == 0);
            if (keep) {
                m.put(k, v);
            }
        });
        m.put("attack_accuracy", classifier.accuracy(r.reconstructions(), r.labels()));
        m.put("dcor_x_xhat", DistanceCorrelationEstimate.estimate(r.targets(), r.reconstructions(),
                DistanceCorrelationEstimate.DEFAULT_BATCH_SIZE, seed).mean());
        Map<String, Object> meta = r.metadata();
        for (String k : List.of("selection_rule", "tv_weight", "tv_weight_rule", "best_epoch", "decoder", "edge_queries")) {
            if (meta.get(k) != null) {
                m.put(k, meta.get(k));
            }
        }
        if (seed == seeds.get(0)) {
            Path file = dir.resolve("recon").resolve(StageStore.folderName(e.name())).resolve(attack.name() + ".safetensors");
            Files.createDirectories(file.getParent());
            int k = Math.min(RECON_IMAGES, n);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("original", r.targets().slice(0, 0, k));
            tensors.put("reconstruction", r.reconstructions().slice(0, 0, k));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            SafeTensors.writeTensors(tmp, tensors, Map.of("defense", e.name(), "attack", attack.name(), "seed", Long.toString(seed)));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            m.put("recon", relative(file));
        }
        return m;
    }

    // ------------------------------------------------------------------ results

    private Map<String, Object> assemble(List<Map<String, Map<String, Object>>> perSeed, Map<String, Object> classifierInfo) {
        Map<String, Map<String, Object>> aggregated = new LinkedHashMap<>();
        for (Entry e : entries) {
            List<Map<String, Object>> values = new ArrayList<>();
            perSeed.forEach(s -> values.add(s.get(e.name())));
            aggregated.put(e.name(), SeedAggregation.aggregate(values));
        }
        String reference = referenceDefense();
        double refAcc = referenceAccuracy(aggregated, reference);
        Map<String, Integer> choices = new LinkedHashMap<>();
        Map<String, Object> defenses = defenseTable(aggregated, reference, refAcc, choices, true);
        List<Object> seedTables = new ArrayList<>();
        for (int i = 0; i < perSeed.size(); i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("seed", seeds.get(i));
            s.put("defenses", defenseTable(perSeed.get(i), reference, referenceAccuracy(perSeed.get(i), reference), choices, false));
            seedTables.add(s);
        }

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("format", FORMAT);
        r.put("arch", base.arch);
        r.put("profile", base.profile);
        r.put("seeds", seeds);
        r.put("settings", settingsJson());
        r.put("environment", environment());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("total_s", (System.nanoTime() - startNanos) / 1e9);
        timings.putAll(computeSeconds);
        timings.put("note", "total_s: this invocation's wall time; the others: compute time of every stage as recorded when it ran"
                + " (including stages reused from DIR/state and DIR/train)");
        r.put("timings", timings);
        r.put("selection_rule", selectionRuleText());
        r.put("sweep_rule", SweepSelection.RULE);
        r.put("comparable_within", eval.comparableWithin);
        if (reference != null) {
            r.put("reference_defense", reference);
        }
        r.put("evaluation_classifier", classifierInfo);
        if (eval.mine) {
            Map<String, Object> mineNotes = new LinkedHashMap<>();
            mineNotes.put("epochs", eval.mineEpochs);
            mineNotes.put("paper_epochs", MineRunSettings.PAPER_EPOCHS);
            mineNotes.put("fewer_epochs_than_paper", eval.mineEpochs < MineRunSettings.PAPER_EPOCHS);
            mineNotes.put("mine_paper", "the released code's estimator: sigmoid critic, Donsker-Varadhan bound, maximum over epochs on"
                    + " the auxiliary split (bounded by 1 nat; compare only with each other)");
            mineNotes.put("mine_corrected", "unbounded critic, moving-average bias-corrected gradient, value on held-out auxiliary data"
                    + " after training (nats)");
            r.put("mine", mineNotes);
        }
        r.put("defenses", defenses);
        r.put("per_seed", seedTables);
        return r;
    }

    private String referenceDefense() {
        Set<String> present = new LinkedHashSet<>();
        entries.forEach(e -> present.add(e.defense()));
        if (present.contains(eval.referenceDefense)) {
            return eval.referenceDefense;
        }
        return present.contains("none") ? "none" : null;
    }

    /** The reference defense's accuracy (its most accurate point if it is swept); NaN without one. */
    private double referenceAccuracy(Map<String, Map<String, Object>> table, String reference) {
        double best = Double.NaN;
        for (Entry e : entries) {
            if (e.defense().equals(reference)) {
                double a = SweepSelection.accuracy(table.get(e.name()));
                best = Double.isNaN(best) || a > best ? a : best;
            }
        }
        return best;
    }

    private Map<String, Object> defenseTable(Map<String, Map<String, Object>> table, String reference, double refAcc,
                                             Map<String, Integer> choices, boolean choose) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        entries.forEach(e -> {
            if (!order.contains(e.defense())) {
                order.add(e.defense());
            }
        });
        for (String d : order) {
            List<Entry> group = entries.stream().filter(e -> e.defense().equals(d)).toList();
            if (group.get(0).sweep() == null) {
                out.put(d, finish(table.get(group.get(0).name()), refAcc));
                continue;
            }
            Sweep sweep = group.get(0).sweep();
            List<Map<String, Object>> points = new ArrayList<>();
            for (Entry e : group) {
                points.add(finish(table.get(e.name()), refAcc));
            }
            String reason = "the setting chosen on the means over seeds";
            if (choose) {
                SweepSelection.Choice c = SweepSelection.choose(points, sweep.parameter(), refAcc, eval.comparableWithin);
                choices.put(d, c.index());
                reason = c.reason();
            }
            int index = choices.get(d);
            Map<String, Object> top = new LinkedHashMap<>(points.get(index));
            top.put("sweep", points);
            Map<String, Object> why = new LinkedHashMap<>();
            why.put("parameter", sweep.parameter());
            why.put("value", sweep.values().get(index));
            why.put("reason", reason);
            top.put("sweep_choice", why);
            out.put(d, top);
        }
        return out;
    }

    /** Adds {@code comparable} (after the accuracies) and {@code strongest_attack} (after the attacks). */
    private Map<String, Object> finish(Map<String, Object> entry, double refAcc) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean placed = false;
        for (Map.Entry<String, Object> kv : entry.entrySet()) {
            String k = kv.getKey();
            if (!placed && !k.equals("params") && !k.startsWith("accuracy")) {
                m.put("comparable", SweepSelection.comparable(entry, refAcc, eval.comparableWithin));
                placed = true;
            }
            m.put(k, kv.getValue());
            if (k.equals("attacks")) {
                String s = SweepSelection.strongestAttack(entry);
                if (s != null) {
                    m.put("strongest_attack", s);
                }
            }
        }
        if (!placed) {
            m.put("comparable", SweepSelection.comparable(entry, refAcc, eval.comparableWithin));
        }
        return m;
    }

    private Map<String, Object> settingsJson() {
        Map<String, Object> s = new LinkedHashMap<>();
        Map<String, Object> t = new LinkedHashMap<>(base.toJson());
        t.remove("defense");
        s.put("train", t);
        s.put("evaluation", eval.toJson());
        Map<String, Object> attacks = new LinkedHashMap<>();
        for (String a : eval.attacks) {
            attacks.put(a, Attacks.create(a, eval.attackOptions()).settings());
        }
        s.put("attacks", attacks);
        if (eval.mine) {
            MineRunSettings ms = eval.mineSettings(base.seed);
            Map<String, Object> mine = new LinkedHashMap<>();
            mine.put("epochs", ms.epochs());
            mine.put("batch_size", ms.batchSize());
            mine.put("paper", ms.paperSettings().toJson());
            mine.put("corrected", ms.correctedSettings().toJson());
            mine.put("train_images", limited(train, eval.mineTrainLimit, "training").size());
            mine.put("eval_images", limited(data.auxiliary(), eval.mineEvalLimit, "auxiliary").size());
            s.put("mine", mine);
        }
        Map<String, Object> images = new LinkedHashMap<>();
        images.put("train", train.size());
        images.put("test", test.size());
        images.put("auxiliary_for_attacks", auxiliary.size());
        images.put("attack_victims", victims.size());
        images.put("feature_statistics", featureImages.size());
        images.put("recon_kept", Math.min(RECON_IMAGES, victims.size()));
        s.put("images", images);
        return s;
    }

    private Map<String, Object> environment() {
        Map<String, Object> env = new LinkedHashMap<>(RunEnvironment.describe(backend));
        // "auto" means the backend chose; its description says what it chose ("512-bit SIMD ..., 2 threads").
        String description = backend.description();
        Map<String, String> patterns = Map.of("vector_width", "(\\d+)-bit", "threads", "(\\d+) threads?");
        for (String k : List.of("vector_width", "threads")) {
            if (env.get(k) instanceof String v && v.matches("\\d+")) {
                env.put(k, Integer.parseInt(v));
            } else {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(patterns.get(k)).matcher(description);
                if (m.find()) {
                    env.put(k, Integer.parseInt(m.group(1)));
                }
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", base.data);
        Map<String, Object> hashes = new TreeMap<>();
        for (Dataset ds : List.of(data.train(), data.test(), data.auxiliary())) {
            hashes.putAll(ds.sourceHashes());
        }
        d.put("hashes", hashes);
        env.put("data", d);
        Map<String, Integer> builds = store.builds();
        env.put("stage_builds", builds);
        int other = builds.entrySet().stream().filter(b -> !b.getKey().equals(store.build())).mapToInt(Map.Entry::getValue).sum();
        env.put("stages_from_other_builds", other);
        return env;
    }

    private String selectionRuleText() {
        SelectionRule rule = SelectionRule.fromLabel(eval.selectionRule);
        return rule == SelectionRule.PRIVATE_TRAIN
                ? "lowest MSE on the private training split (paper; favours the attacker)"
                : "lowest MSE on a held-out part of the attacker's auxiliary data";
    }

    // ------------------------------------------------------------------ helpers

    private String relative(Path p) {
        return dir.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    static Dataset limited(Dataset d, int limit, String which) {
        if (limit <= 0 || limit >= d.size()) {
            return d;
        }
        int[] idx = new int[limit];
        for (int i = 0; i < limit; i++) {
            idx[i] = i;
        }
        return d.subset(idx, d.name() + "[:" + limit + "]", "the first " + limit + " images of the " + which + " split");
    }

    /** {@code n} images spread evenly over {@code d} (index ⌊i·size/n⌋), so a class-sorted split gives every class. */
    static Dataset spread(Dataset d, int n, String what) {
        if (n >= d.size()) {
            return d;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = (int) ((long) i * d.size() / n);
        }
        return d.subset(idx, d.name() + "[spread " + n + "]", what + ": " + n + " images spread evenly over " + d.name());
    }

    /** An independent copy of every setting, keeping which ones were set explicitly. */
    static TrainSettings copy(TrainSettings s) {
        TrainSettings c = TrainSettings.forProfile(s.profile);
        for (Setting setting : TrainSettings.SETTINGS) {
            if (setting.name().equals("profile")) {
                continue;
            }
            String value = String.valueOf(setting.getter().apply(s));
            if (s.isSet(setting.name())) {
                c.set(setting.name(), value);
            } else {
                setting.setter().accept(c, value);
            }
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return (Map<String, Object>) Json.parse(Files.readString(f));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(f + ": corrupt JSON: " + e.getMessage());
        }
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
