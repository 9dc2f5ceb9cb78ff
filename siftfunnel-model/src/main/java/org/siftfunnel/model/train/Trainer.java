package org.siftfunnel.model.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.siftfunnel.model.console.ProgressBar;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.BatchNormRecalibration;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Augmentation;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Preprocessing;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.defense.Defense;
import org.siftfunnel.model.defense.Defenses;

/**
 * Trains a split model (undefended or SiftFunnel) and writes a run folder:
 * {@code config.json} (the resolved settings), {@code run.json} (environment and data),
 * {@code metrics.jsonl} (one JSON line per epoch), and checkpoints (see {@link Checkpoints}):
 * {@code last} after every epoch, {@code best} by test accuracy, and {@code interrupted} when
 * stopped mid-epoch.
 *
 * <p>Evaluation runs twice per epoch when precise BN is on: with the running statistics as
 * training left them, then after recalibrating them on training data; the recalibrated
 * accuracy is the one reported and used to pick the best checkpoint (spec §10.8).
 */
public final class Trainer {
    /** What a finished (or stopped) run achieved. */
    public record Result(Path runDir, int epochsDone, float finalAccuracy, float finalAccuracyNoRecalibration,
                         float bestAccuracy, int bestEpoch, double seconds, boolean interrupted, SplitModel model) {
    }

    private final TrainSettings settings;
    private final DataSplits data;
    private final Backend backend;
    private final Path runDir;
    private final PrintStream out;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    public Trainer(TrainSettings settings, DataSplits data, Backend backend, Path runDir, PrintStream out) {
        settings.validate();
        this.settings = settings;
        this.data = data;
        this.backend = backend;
        this.runDir = runDir;
        this.out = out;
    }

    /** Asks the training loop to stop after the current batch (and write a checkpoint). */
    public void requestStop() {
        stopRequested.set(true);
    }

    public static SplitModel buildModel(TrainSettings s, int channels, int classes) {
        return Defenses.create(s).build(s.arch, ArchConfig.of(channels, s.imageSize, classes), new RandomSource(s.seed));
    }

    private Dataset limited(Dataset d, int limit, String which) {
        if (limit <= 0 || limit >= d.size()) {
            return d;
        }
        int[] idx = new int[limit];
        for (int i = 0; i < limit; i++) {
            idx[i] = i;
        }
        return d.subset(idx, d.name() + "[:" + limit + "]", "the first " + limit + " images of the " + which + " split");
    }

    public Result run(boolean resume) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(runDir);
        int channels = data.channels();
        int classes = data.numClasses();
        Dataset train = limited(data.train(), settings.trainLimit, "training");
        Dataset test = limited(data.test(), settings.testLimit, "test");
        Preprocessing prep = Preprocessing.paper(settings.imageSize, channels);

        Defense defense = Defenses.create(settings);
        SplitModel model = defense.build(settings.arch, ArchConfig.of(channels, settings.imageSize, classes), new RandomSource(settings.seed));
        model.to(backend);
        Adam optimizer = new Adam(model.parameters(), Adam.Settings.of((float) settings.lr)
                .withBetas((float) settings.beta1, (float) settings.beta2)
                .withWeightDecay((float) settings.effectiveWeightDecay())
                .withAmsgrad(settings.amsgrad));

        Map<String, Object> runInfo = new LinkedHashMap<>();
        runInfo.put("settings", settings.toJson());
        runInfo.put("environment", RunEnvironment.describe(backend));
        runInfo.put("data", data.metadata());
        runInfo.put("train_images", train.size());
        runInfo.put("test_images", test.size());
        runInfo.put("model", model.name());
        runInfo.put("edge_parameters", model.edge().parameterCount());
        runInfo.put("feature_shape", model.featureShape());
        runInfo.put("normalization", prep.normalization().toJson());
        Files.writeString(runDir.resolve("config.json"), Json.writePretty(settings.toJson()) + "\n");
        Files.writeString(runDir.resolve("run.json"), Json.writePretty(runInfo) + "\n");

        int firstEpoch = 1;
        float best = -1f;
        int bestEpoch = 0;
        if (resume) {
            Map<String, Object> last = Checkpoints.readMetadata(runDir, "last");
            if (last == null) {
                out.println("no checkpoint to resume in " + Checkpoints.dir(runDir) + "; starting from scratch");
            } else {
                if (!Checkpoints.loadInto(runDir, "last", model, optimizer) && !model.namedRandomSources().isEmpty()) {
                    out.println("note: this checkpoint predates recorded random streams; the resumed epochs draw other dropout"
                            + " masks than an uninterrupted run would (a valid run, but not the same numbers)");
                }
                firstEpoch = ((Number) last.get("epoch")).intValue() + 1;
                best = ((Number) last.get("best_accuracy")).floatValue();
                bestEpoch = ((Number) last.get("best_epoch")).intValue();
                out.printf(Locale.ROOT, "resuming after epoch %d (best test accuracy %.4f at epoch %d)%n", firstEpoch - 1, best, bestEpoch);
            }
        }

        BatchLoader trainLoader = BatchLoader.builder(train).batchSize(settings.batchSize).shuffle(true)
                .preprocessing(prep).augmentation(settings.augment ? Augmentation.PAPER : Augmentation.NONE)
                .seed(settings.seed).backend(backend).build();
        BatchLoader calibrationLoader = BatchLoader.builder(train).batchSize(settings.batchSize).shuffle(true)
                .preprocessing(prep).augmentation(Augmentation.NONE).seed(settings.seed + 7919).backend(backend).build();
        BatchLoader testLoader = BatchLoader.builder(test).batchSize(256).shuffle(false)
                .preprocessing(prep).augmentation(Augmentation.NONE).seed(settings.seed).backend(backend).build();

        out.printf(Locale.ROOT, "training %s (edge %,d parameters, sends %s) on %d images, testing on %d; %s%n",
                model.name(), model.edge().parameterCount(), java.util.Arrays.toString(model.featureShape()),
                train.size(), test.size(), backend.description());

        float lastAcc = Float.NaN;
        float lastRaw = Float.NaN;
        int epoch = firstEpoch;
        boolean interrupted = false;
        int stepsPerEpoch = trainLoader.batchesPerEpoch();
        for (; epoch <= settings.epochs; epoch++) {
            long epochStart = System.nanoTime();
            model.train();
            Map<String, Double> sums = new LinkedHashMap<>();
            long correct = 0;
            long seen = 0;
            int step = 0;
            ProgressBar bar = new ProgressBar(out, String.format(Locale.ROOT, "epoch %d/%d", epoch, settings.epochs), stepsPerEpoch);
            try (BatchStream batches = trainLoader.epoch(epoch)) {
                while (batches.hasNext()) {
                    if (stopRequested.get()) {
                        interrupted = true;
                        break;
                    }
                    Batch b = batches.next();
                    optimizer.setLr((float) learningRate(epoch, step, stepsPerEpoch));
                    optimizer.zeroGrad();
                    Defense.StepResult result = defense.trainingLoss(model, b.images(), b.labels());
                    LossTerms terms = result.terms();
                    Tensor logProbs = result.logProbs();
                    Losses.checkFinite("training", terms.total(), (long) (epoch - 1) * stepsPerEpoch + step);
                    terms.total().backward();
                    optimizer.step();
                    step++;
                    sums.merge("loss", (double) terms.totalValue(), Double::sum);
                    terms.values().forEach((k, v) -> sums.merge(k, (double) v, Double::sum));
                    correct += countCorrect(logProbs, b.labels());
                    seen += b.size();
                    bar.update(step, progressInfo(sums, step, correct / (double) seen));
                }
            }
            if (interrupted) {
                Map<String, Object> meta = checkpointMetadata(epoch - 1, lastAcc, best, bestEpoch, channels, classes);
                meta.put("interrupted_in_epoch", epoch);
                meta.put("steps_done_in_epoch", step);
                Checkpoints.save(runDir, "interrupted", model, optimizer, meta);
                out.println();
                out.println("stopped during epoch " + epoch + " after " + step + " steps; wrote "
                        + Checkpoints.dir(runDir).resolve("interrupted.safetensors") + " (resume restarts from the last completed epoch)");
                break;
            }
            float raw = accuracy(model, testLoader);
            float acc = raw;
            if (settings.preciseBn) {
                recalibrate(model, calibrationLoader, epoch);
                acc = accuracy(model, testLoader);
            }
            lastAcc = acc;
            lastRaw = raw;
            boolean improved = acc > best;
            if (improved) {
                best = acc;
                bestEpoch = epoch;
            }
            double secs = (System.nanoTime() - epochStart) / 1e9;
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("epoch", epoch);
            line.put("lr", optimizer.lr());
            int steps = Math.max(1, step);
            sums.forEach((k, v) -> line.put(k.equals("loss") ? "train_loss" : "train_" + k, v / steps));
            line.put("train_accuracy", correct / (double) Math.max(1, seen));
            line.put("test_accuracy", acc);
            line.put("test_accuracy_without_recalibration", raw);
            line.put("best_test_accuracy", best);
            line.put("seconds", secs);
            Files.writeString(runDir.resolve("metrics.jsonl"), Json.write(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            bar.done(String.format(Locale.ROOT, "loss %.4f test acc %.4f (%.4f without BN recalibration)%s",
                    sums.getOrDefault("loss", 0.0) / Math.max(1, step), acc, raw, improved ? " best" : ""));
            Map<String, Object> meta = checkpointMetadata(epoch, acc, best, bestEpoch, channels, classes);
            meta.put("test_accuracy_without_recalibration", raw);
            Checkpoints.save(runDir, "last", model, optimizer, meta);
            if (improved) {
                Checkpoints.save(runDir, "best", model, null, meta);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int done = interrupted ? epoch - 1 : settings.epochs;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("epochs_done", done);
        summary.put("final_test_accuracy", lastAcc);
        summary.put("final_test_accuracy_without_recalibration", lastRaw);
        summary.put("best_test_accuracy", best);
        summary.put("best_epoch", bestEpoch);
        summary.put("seconds", seconds);
        summary.put("interrupted", interrupted);
        Files.writeString(runDir.resolve("summary.json"), Json.writePretty(summary) + "\n");
        return new Result(runDir, done, lastAcc, lastRaw, best, bestEpoch, seconds, interrupted, model);
    }

    /** The running means of the loss and of each objective term, for the progress bar. */
    private static String progressInfo(Map<String, Double> sums, int steps, double accuracy) {
        StringBuilder sb = new StringBuilder();
        sums.forEach((k, v) -> {
            if (!k.equals("total")) {
                sb.append(String.format(Locale.ROOT, "%s %.4f ", k, v / steps));
            }
        });
        return sb.append(String.format(Locale.ROOT, "acc %.3f", accuracy)).toString();
    }

    private Map<String, Object> checkpointMetadata(int epoch, float acc, float best, int bestEpoch, int channels, int classes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", settings.arch);
        m.put("defense", settings.defense);
        m.put("channels", channels);
        m.put("image_size", settings.imageSize);
        m.put("classes", classes);
        m.put("epoch", epoch);
        m.put("test_accuracy", acc);
        m.put("best_accuracy", best);
        m.put("best_epoch", bestEpoch);
        m.put("normalization", Preprocessing.paper(settings.imageSize, channels).normalization().toJson());
        m.put("settings", settings.toJson());
        m.put("data", data.metadata());
        m.put("environment", RunEnvironment.describe(backend));
        return m;
    }

    /**
     * Linear warm-up from lr/10 over {@code warmupEpochs}; then constant (the paper uses no
     * schedule) or a cosine decay to lr/100 at the end of the last epoch.
     */
    double learningRate(int epoch, int step, int stepsPerEpoch) {
        double done = (epoch - 1) * (double) stepsPerEpoch + step + 1;
        double warmupSteps = settings.warmupEpochs * (double) stepsPerEpoch;
        if (done <= warmupSteps) {
            return settings.lr * (0.1 + 0.9 * done / warmupSteps);
        }
        if (!settings.lrSchedule.equals("cosine")) {
            return settings.lr;
        }
        double total = settings.epochs * (double) stepsPerEpoch;
        double progress = Math.min(1.0, (done - warmupSteps) / Math.max(1.0, total - warmupSteps));
        double floor = settings.lr / 100;
        return floor + (settings.lr - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    private void recalibrate(SplitModel model, BatchLoader loader, int epoch) {
        try (BatchStream batches = loader.epoch(epoch)) {
            Iterator<Tensor> images = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return batches.hasNext();
                }

                @Override
                public Tensor next() {
                    return batches.next().images();
                }
            };
            BatchNormRecalibration.recalibrate(model, images, settings.preciseBnBatches);
        }
    }

    /** Top-1 accuracy in eval mode under no-grad. */
    public static float accuracy(SplitModel model, BatchLoader loader) {
        boolean wasTraining = model.isTraining();
        model.eval();
        long correct = 0;
        long seen = 0;
        try (GradMode.Scope _ = GradMode.noGrad(); BatchStream batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                correct += countCorrect(model.forward(b.images()), b.labels());
                seen += b.size();
            }
        } finally {
            model.train(wasTraining);
        }
        return seen == 0 ? 0f : (float) ((double) correct / seen);
    }

    static long countCorrect(Tensor logProbs, Tensor labels) {
        float[] pred = logProbs.argmax(1, false).toArray();
        float[] y = labels.toArray();
        long c = 0;
        for (int i = 0; i < y.length; i++) {
            c += pred[i] == y[i] ? 1 : 0;
        }
        return c;
    }
}
