package org.siftfunnel.model.evaluate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.AdaptiveAvgPool2d;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.BatchNormRecalibration;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.attack.ResidualBlock;
import org.siftfunnel.model.console.ProgressBar;
import org.siftfunnel.model.data.Augmentation;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.data.Preprocessing;

/**
 * The judge of attack accuracy: a classifier of a <em>different</em> architecture from every
 * victim, trained independently on the private training split, that classifies reconstructions.
 * Attack accuracy is the fraction of reconstructions it assigns their true label (spec:
 * "an evaluation classifier of a different architecture, trained independently").
 *
 * <p><b>Architecture</b> ({@value #ARCH}): a small residual network with global average
 * pooling, unlike the victims' plain conv–pool stacks (4-block CNN, VGG) and far smaller than
 * ResNet-18: Conv3×3 stride 2 (C→32) + BN + ReLU, a residual block (32), Conv3×3 stride 2
 * (32→64) + BN + ReLU, a residual block (64), global average pooling, Linear(64→classes),
 * log-softmax. The residual blocks are the attack package's {@link ResidualBlock}.
 *
 * <p><b>Training</b>: Adam (lr 1e-3), batch 128, the paper's augmentation (flip, colour jitter),
 * {@code epochs} epochs on the (limited) training split, seeded; BatchNorm statistics are
 * recalibrated on 20 training batches afterwards. Its clean test accuracy is recorded next to
 * the attack accuracies, as the ceiling they can reach.
 *
 * <p><b>Input</b>: reconstructions are raw images in [0, 1] (de-normalised by the attacks);
 * they are re-normalised with the victim's normalisation before classification.
 *
 * <p><b>Cache</b>: {@code DIR/evaluation/classifier-seedK.safetensors} with a JSON of what it was
 * trained on; reused when the JSON matches (same seed, epochs, data hashes, image size),
 * retrained otherwise. Files are written under temporary names and moved into place.
 */
public final class EvaluationClassifier {
    /** The architecture's name in results. */
    public static final String ARCH = "resnet-mini (conv s2 32, residual 32, conv s2 64, residual 64, global average pool, linear)";
    private static final int BATCH = 128;
    private static final float LR = 1e-3f;
    private static final int RECALIBRATION_BATCHES = 20;

    private final Module net;
    private final Normalization normalization;
    private final Backend backend;
    private final Map<String, Object> info;

    private EvaluationClassifier(Module net, Normalization normalization, Backend backend, Map<String, Object> info) {
        this.net = net;
        this.normalization = normalization;
        this.backend = backend;
        this.info = info;
    }

    /** The network for {@code channels}-channel images (any size that survives two stride-2 convolutions). */
    static Module build(int channels, int classes, RandomSource rng) {
        return new Sequential(
                new Conv2d(channels, 32, 3, 2, 1, false, rng), new BatchNorm2d(32), new ReLU(),
                new ResidualBlock(32, rng),
                new Conv2d(32, 64, 3, 2, 1, false, rng), new BatchNorm2d(64), new ReLU(),
                new ResidualBlock(64, rng),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, classes, true, rng), new LogSoftmax(1));
    }

    /**
     * The cached classifier for {@code seed}, or a newly trained one (then cached).
     *
     * @param dir    the evaluation folder (the cache lives in {@code dir/evaluation})
     * @param train  the private training split (already limited as the victims' was)
     * @param test   the private test split, for the classifier's own accuracy
     */
    public static EvaluationClassifier obtain(Path dir, Dataset train, Dataset test, Preprocessing prep, int epochs, long seed,
                                              Backend backend, PrintStream out) throws IOException {
        Path folder = dir.resolve("evaluation");
        Path weights = folder.resolve("classifier-seed" + seed + ".safetensors");
        Path json = folder.resolve("classifier-seed" + seed + ".json");
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("arch", ARCH);
        key.put("seed", seed);
        key.put("epochs", epochs);
        key.put("batch_size", BATCH);
        key.put("lr", (double) LR);
        key.put("image_size", prep.size());
        key.put("train_images", train.size());
        key.put("train_sha256", train.sourceHashes());
        key.put("test_images", test.size());
        Module net = build(prep.outputChannels(train), train.numClasses(), new RandomSource(Philox.draw2(seed, 0x636C6173L)));
        net.to(backend);
        if (Files.isRegularFile(json) && Files.isRegularFile(weights)) {
            Object stored = Json.parse(Files.readString(json));
            if (stored instanceof Map<?, ?> m && Json.write(key).equals(Json.write(m.get("key")))) {
                net.load(weights);
                net.eval();
                @SuppressWarnings("unchecked")
                Map<String, Object> info = (Map<String, Object>) m;
                out.println("evaluation classifier: reusing " + weights + " (test accuracy "
                        + String.format(Locale.ROOT, "%.4f", ((Number) info.get("test_accuracy")).doubleValue()) + ")");
                return new EvaluationClassifier(net, prep.normalization(), backend, info);
            }
            out.println("evaluation classifier: " + json + " was trained on other data or settings; retraining");
        }
        long start = System.nanoTime();
        train(net, train, prep, epochs, seed, backend, out);
        EvaluationClassifier c = new EvaluationClassifier(net, prep.normalization(), backend, Map.of());
        double acc = c.accuracyOn(test, prep);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("key", key);
        info.put("test_accuracy", acc);
        info.put("seconds", (System.nanoTime() - start) / 1e9);
        Files.createDirectories(folder);
        Path tmp = folder.resolve("classifier-seed" + seed + ".safetensors.tmp");
        net.save(tmp, Map.of("format", "siftfunnel-evaluation-classifier-1"));
        Files.move(tmp, weights, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path tmpJson = folder.resolve("classifier-seed" + seed + ".json.tmp");
        Files.writeString(tmpJson, Json.writePretty(info) + "\n");
        Files.move(tmpJson, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.printf(Locale.ROOT, "evaluation classifier: test accuracy %.4f; saved %s%n", acc, weights);
        // Read the stored values back so a fresh run and a resumed one report identical numbers.
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = (Map<String, Object>) Json.parse(Files.readString(json));
        return new EvaluationClassifier(net, prep.normalization(), backend, stored);
    }

    private static void train(Module net, Dataset train, Preprocessing prep, int epochs, long seed, Backend backend, PrintStream out) {
        Adam adam = new Adam(net.parameters(), Adam.Settings.of(LR));
        BatchLoader loader = BatchLoader.builder(train).batchSize(BATCH).shuffle(true).preprocessing(prep)
                .augmentation(Augmentation.PAPER).seed(Philox.draw2(seed, 0x636C6174L)).backend(backend).build();
        net.train();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            ProgressBar bar = new ProgressBar(out, String.format(Locale.ROOT, "evaluation classifier epoch %d/%d", epoch, epochs),
                    loader.batchesPerEpoch());
            double lossSum = 0;
            int steps = 0;
            try (BatchStream batches = loader.epoch(epoch)) {
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    adam.zeroGrad();
                    Tensor loss = Losses.nll(net.forward(b.images()), b.labels());
                    loss.backward();
                    adam.step();
                    lossSum += loss.item();
                    steps++;
                    bar.update(steps, String.format(Locale.ROOT, "loss %.4f", lossSum / steps));
                }
            }
            bar.done(String.format(Locale.ROOT, "loss %.4f", lossSum / Math.max(1, steps)));
        }
        BatchLoader calibration = BatchLoader.builder(train).batchSize(BATCH).shuffle(true).preprocessing(prep)
                .augmentation(Augmentation.NONE).seed(Philox.draw2(seed, 0x63616C69L)).backend(backend).build();
        try (BatchStream batches = calibration.epoch(0)) {
            BatchNormRecalibration.recalibrate(net, new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return batches.hasNext();
                }

                @Override
                public Tensor next() {
                    return batches.next().images();
                }
            }, RECALIBRATION_BATCHES);
        }
        net.eval();
    }

    private double accuracyOn(Dataset test, Preprocessing prep) {
        BatchLoader loader = BatchLoader.builder(test).batchSize(256).shuffle(false).preprocessing(prep)
                .augmentation(Augmentation.NONE).seed(0).backend(backend).build();
        long correct = 0;
        long seen = 0;
        try (BatchStream batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                correct += countCorrect(b.images(), b.labels());
                seen += b.size();
            }
        }
        return seen == 0 ? 0 : (double) correct / seen;
    }

    /**
     * The fraction of raw images in [0, 1] ([N, C, H, W]) classified as {@code labels} [N]
     * (class indices as floats).
     */
    public double accuracy(Tensor rawImages, Tensor labels) {
        int n = rawImages.shape()[0];
        return n == 0 ? 0 : (double) countCorrect(normalization.apply(rawImages), labels) / n;
    }

    private long countCorrect(Tensor normalised, Tensor labels) {
        float[] pred;
        try (GradMode.Scope s = GradMode.noGrad()) {
            net.eval();
            pred = net.forward(normalised).argmax(1, false).toArray();
        }
        float[] y = labels.toArray();
        long c = 0;
        for (int i = 0; i < y.length; i++) {
            c += pred[i] == y[i] ? 1 : 0;
        }
        return c;
    }

    /** What results record about the classifier: architecture, training and clean test accuracy. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", ARCH);
        Object key = info.get("key");
        if (key instanceof Map<?, ?> k) {
            m.put("epochs", k.get("epochs"));
            m.put("train_images", k.get("train_images"));
        }
        m.put("test_accuracy", info.get("test_accuracy"));
        m.put("input", "reconstructions in [0, 1], re-normalised as the victim's input");
        return m;
    }

    /** Seconds it took to train (0 when reused from the cache in this run is not known). */
    public double trainingSeconds() {
        Object s = info.get("seconds");
        return s instanceof Number n ? n.doubleValue() : 0;
    }
}
