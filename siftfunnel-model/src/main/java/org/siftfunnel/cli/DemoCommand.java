package org.siftfunnel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.MaxPool2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.console.ProgressBar;
import org.siftfunnel.model.data.SyntheticBars;

/**
 * {@code ./siftfunnel demo}: the main job on data that ships with the project. At this
 * stage of the project it trains a small CNN on a synthetic image task and saves it; the
 * SiftFunnel evaluation on bundled Fashion-MNIST replaces it as the model issues land.
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "train a small CNN end to end on bundled synthetic data (the engine's smoke run)";
    }

    @Override
    public String description() {
        return "Trains a conv-bn-relu-pool x2 + linear CNN with Adam on a synthetic 4-class image task\n"
                + "(bars near an edge, on noise), reports train/test accuracy per epoch, and saves the\n"
                + "weights (safetensors, PyTorch names) and metrics under --out.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.value("device", "NAME", null, "backend: reference, cpu, opencl[:N] (default: fastest available)"),
                OptionSpec.value("epochs", "N", "5", "training epochs"),
                OptionSpec.value("train-size", "N", "2048", "synthetic training images"),
                OptionSpec.value("test-size", "N", "512", "synthetic test images"),
                OptionSpec.value("image-size", "PX", "16", "image side in pixels (multiple of 4)"),
                OptionSpec.value("batch-size", "N", "64", "mini-batch size"),
                OptionSpec.value("lr", "RATE", "0.01", "Adam learning rate"),
                OptionSpec.value("seed", "N", "1", "random seed (data, initialisation, shuffling)"),
                OptionSpec.value("out", "DIR", "runs/demo", "where to write model.safetensors and metrics.json"));
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        Backend be = o.has("device") ? Backends.get(o.string("device")) : Backends.getDefault();
        int epochs = o.positiveInteger("epochs");
        int trainN = o.positiveInteger("train-size");
        int testN = o.positiveInteger("test-size");
        int size = o.positiveInteger("image-size");
        if (size % 4 != 0 || size < 8) {
            throw new UsageException("demo: --image-size must be a multiple of 4 and at least 8, got " + size);
        }
        int batch = o.positiveInteger("batch-size");
        float lr = (float) o.number("lr");
        long seed = o.longValue("seed");
        Path out = o.path("out");

        System.out.println("siftfunnel demo: small CNN on synthetic bars, backend " + be.description());
        Tensor[] train = SyntheticBars.generate(be, trainN, size, seed);
        Tensor[] test = SyntheticBars.generate(be, testN, size, seed + 1000);
        RandomSource rng = new RandomSource(seed);
        Module net = new Sequential(
                new Conv2d(1, 16, 3, 1, 1, true, rng), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1, true, rng), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * (size / 4) * (size / 4), SyntheticBars.CLASSES, rng)).to(be);
        Adam opt = new Adam(net.parameters(), lr);
        long start = System.nanoTime();
        List<Map<String, Object>> history = new java.util.ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            net.train();
            int[] order = permutation(trainN, rng);
            int batches = (trainN + batch - 1) / batch;
            ProgressBar bar = new ProgressBar(System.out, String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), batches);
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int to = Math.min(trainN, from + batch);
                Tensor idx = Tensor.of(be, slice(order, from, to), to - from);
                Tensor xb = train[0].gather(0, idx.reshape(to - from, 1, 1, 1).expand(to - from, 1, size, size));
                Tensor yb = train[1].gather(0, idx);
                opt.zeroGrad();
                Tensor loss = Losses.crossEntropy(net.forward(xb), yb);
                Losses.checkFinite("cross-entropy", loss);
                loss.backward();
                opt.step();
                lossSum += loss.item();
                bar.update(b + 1, String.format(Locale.ROOT, "loss %.4f", lossSum / (b + 1)));
            }
            float trainAcc = accuracy(net, train);
            float testAcc = accuracy(net, test);
            bar.done(String.format(Locale.ROOT, "loss %.4f train acc %.3f test acc %.3f", lossSum / batches, trainAcc, testAcc));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("loss", lossSum / batches);
            m.put("train_accuracy", trainAcc);
            m.put("test_accuracy", testAcc);
            history.add(m);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.createDirectories(out);
        net.save(out.resolve("model.safetensors"), Map.of("model", "demo-cnn", "seed", Long.toString(seed)));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("backend", be.name());
        summary.put("seed", seed);
        summary.put("seconds", seconds);
        summary.put("epochs", history);
        Files.writeString(out.resolve("metrics.json"), Json.writePretty(summary) + "\n");
        Map<String, Object> last = history.get(history.size() - 1);
        System.out.printf(Locale.ROOT, "done in %s: test accuracy %.3f; wrote %s and %s%n", ProgressBar.formatSeconds(seconds),
                (Float) last.get("test_accuracy"), out.resolve("model.safetensors"), out.resolve("metrics.json"));
        return 0;
    }

    private static float accuracy(Module net, Tensor[] data) {
        net.eval();
        try (GradMode.Scope s = GradMode.noGrad()) {
            int n = data[0].size(0);
            int correct = 0;
            float[] y = data[1].toArray();
            for (int from = 0; from < n; from += 256) {
                int to = Math.min(n, from + 256);
                float[] pred = net.forward(data[0].slice(0, from, to)).argmax(1, false).toArray();
                for (int i = 0; i < pred.length; i++) {
                    correct += pred[i] == y[from + i] ? 1 : 0;
                }
            }
            return correct / (float) n;
        } finally {
            net.train();
        }
    }

    private static int[] permutation(int n, RandomSource rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static float[] slice(int[] order, int from, int to) {
        float[] f = new float[to - from];
        for (int i = from; i < to; i++) {
            f[i - from] = order[i];
        }
        return f;
    }
}
