package org.siftfunnel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.cli.CliRun.Outcome;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.GoldenFiles;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.DataSources;
import org.siftfunnel.model.inference.InferenceFixtures;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.inference.Predictor;
import org.siftfunnel.model.train.Checkpoints;
import org.siftfunnel.model.train.TrainSettings;
import org.siftfunnel.model.train.Trainer;

/**
 * {@code predict} end to end through {@link Main#run}: the issue's acceptance test (PyTorch's
 * golden SiftFunnel CNN reproduced from its state dict), weights problems, checkpoints and run
 * folders, image input and bad inputs.
 */
class PredictCommandTest {
    private static final String[] GOLDEN_MODEL = {"--arch", "cnn", "--defense", "siftfunnel", "--channels", "1", "--image-size", "32",
        "--classes", "10"};

    @TempDir
    Path dir;

    /** Exit status and everything written to stdout and stderr (the command prints to System.out/err). */
    private static Outcome predict(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "predict";
        System.arraycopy(args, 0, full, 1, args.length);
        return CliRun.run(full);
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** The golden input batch [4, 1, 32, 32] as a file with a tensor named {@code input}. */
    private Path goldenInput() throws IOException {
        return InferenceFixtures.write(dir.resolve("input.safetensors"), Map.of("input", InferenceFixtures.golden().require("input")));
    }

    private static void assertMatchesGolden(Path output) throws IOException {
        SafeTensors.Contents got = SafeTensors.read(output);
        SafeTensors.Contents golden = InferenceFixtures.golden();
        for (String[] pair : new String[][] {{"features", "eval.features"}, {"log_probs", "eval.log_probs"}}) {
            StoredTensor expected = golden.require(pair[1]);
            GoldenFiles.assertClose(pair[0], expected.toFloats(), expected.shape(), got.require(pair[0]).toTensor(Backends.reference()));
        }
    }

    static Stream<String> backends() {
        Backend fast = Backends.getDefault();
        return fast.name().equals("reference") ? Stream.of("reference") : Stream.of("reference", fast.name());
    }

    // ------------------------------------------------------------------ acceptance

    @ParameterizedTest
    @MethodSource("backends")
    void reproducesPyTorchFeaturesAndLogProbabilitiesFromTheGoldenStateDict(String device) throws IOException {
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", InferenceFixtures.goldenFile().toString(), "--weights-prefix", "param.",
                "--input", goldenInput().toString(), "--output", output.toString(), "--device", device));
        assertEquals(0, r.status(), r.all());
        // Every param. tensor is used; the file's other tensors lack the prefix and are ignored silently.
        assertEquals("", r.err(), r.all());
        assertMatchesGolden(output);
        Map<String, String> meta = SafeTensors.read(output).metadata();
        assertEquals("cnn", meta.get("arch"));
        assertEquals("siftfunnel", meta.get("defense"));
        assertEquals("cnn/siftfunnel", meta.get("model"));
        assertTrue(r.out().contains("4 inputs"), r.all());
        assertTrue(r.out().contains("[12, 8, 8]"), r.all());
    }

    @Test
    void summaryNamesTheFashionMnistClassOfEachPrediction() throws IOException {
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", InferenceFixtures.goldenFile().toString(), "--weights-prefix", "param.",
                "--input", goldenInput().toString(), "--output", output.toString(), "--device", "reference"));
        assertEquals(0, r.status(), r.all());
        int[] predicted = new Prediction(SafeTensors.read(output).require("features").toTensor(),
                SafeTensors.read(output).require("log_probs").toTensor()).predictedClasses();
        for (int i = 0; i < predicted.length; i++) {
            String name = org.siftfunnel.model.data.ClassNames.FASHION_MNIST.get(predicted[i]);
            assertTrue(r.out().contains("#" + i + ": class " + predicted[i] + " (" + name + ")"), r.all());
        }
    }

    // ------------------------------------------------------------------ weights problems

    @Test
    void aPlainStateDictWithExtraTensorsLoadsAndListsThemInOneWarning() throws IOException {
        LinkedHashMap<String, StoredTensor> state = InferenceFixtures.goldenStateDict();
        state.put("block1.1.num_batches_tracked", StoredTensor.ofLongs(new long[] {100}, 1));
        state.put("aux.head.weight", StoredTensor.ofFloats(new float[6], 2, 3));
        state.put("aux.head.bias", StoredTensor.ofFloats(new float[2], 2));
        Path weights = InferenceFixtures.write(dir.resolve("state.safetensors"), state);
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--input", goldenInput().toString(),
                "--output", output.toString()));
        assertEquals(0, r.status(), r.all());
        assertEquals(1, r.err().lines().count(), r.all());
        assertTrue(r.err().contains("warning") && r.err().contains("2 tensors") && r.err().contains("aux.head.weight, aux.head.bias"),
                r.all());
        assertFalse(r.err().contains("num_batches_tracked"), r.all());
        assertMatchesGolden(output);
    }

    @Test
    void aMissingTensorIsAnErrorNamingIt() throws IOException {
        LinkedHashMap<String, StoredTensor> state = InferenceFixtures.goldenStateDict();
        assertTrue(state.remove("cbam.ca.fc1.weight") != null);
        Path weights = InferenceFixtures.write(dir.resolve("state.safetensors"), state);
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--input", goldenInput().toString(),
                "--output", output.toString()));
        assertEquals(1, r.status(), r.all());
        assertTrue(r.err().contains("missing tensor 'cbam.ca.fc1.weight'"), r.all());
        assertTrue(r.err().contains(weights.toString()), r.all());
        assertFalse(Files.exists(output));
    }

    @Test
    void aMisshapenTensorIsAnErrorNamingItAndBothShapes() throws IOException {
        LinkedHashMap<String, StoredTensor> state = InferenceFixtures.goldenStateDict();
        state.put("fc.2.bias", StoredTensor.ofFloats(new float[7], 7));
        Path weights = InferenceFixtures.write(dir.resolve("state.safetensors"), state);
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--input", goldenInput().toString(),
                "--output", dir.resolve("out.safetensors").toString()));
        assertEquals(1, r.status(), r.all());
        assertTrue(r.err().contains("tensor 'fc.2.bias' has shape [7] but the model expects [10]"), r.all());
    }

    @Test
    void withoutTheNeededPrefixTheErrorSuggestsIt() throws IOException {
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", InferenceFixtures.goldenFile().toString(), "--input",
                goldenInput().toString(), "--output", dir.resolve("out.safetensors").toString()));
        assertEquals(1, r.status(), r.all());
        assertTrue(r.err().contains("none of the model's 81 tensors (such as 'block1.0.weight') is in the file, but 'block1.0.weight'"
                + " is found as 'param.block1.0.weight': use the prefix 'param.'"), r.all());
        assertEquals(2, r.err().lines().count(), r.all()); // the message and the debug hint
    }

    @Test
    void weightsOfAnotherModelSizeAreRejectedWithShapes() throws IOException {
        // The golden weights are for 10 classes: asking for 5 makes the head misshapen.
        String[] model = {"--arch", "cnn", "--defense", "siftfunnel", "--channels", "1", "--image-size", "32", "--classes", "5"};
        Outcome r = predict(concat(model, "--weights", InferenceFixtures.goldenFile().toString(), "--weights-prefix", "param.",
                "--input", goldenInput().toString(), "--output", dir.resolve("out.safetensors").toString()));
        assertEquals(1, r.status(), r.all());
        assertTrue(r.err().contains("has shape [10, 256] but the model expects [5, 256]")
                || r.err().contains("has shape [10] but the model expects [5]"), r.all());
    }

    @Test
    void aPyTorchPickleGetsAConversionHint() throws IOException {
        // The first bytes of a legacy (protocol 2) pickle.
        byte[] pickle = {(byte) 0x80, 2, 'c', 'o', 'l', 'l', 'e', 'c', 't', 'i', 'o', 'n', 's'};
        Path pth = Files.write(dir.resolve("model.pth"), pickle);
        Outcome r = predict(concat(GOLDEN_MODEL, "--weights", pth.toString(), "--input", goldenInput().toString(),
                "--output", dir.resolve("out.safetensors").toString()));
        assertEquals(1, r.status(), r.all());
        assertTrue(r.err().contains("not a valid safetensors file") && r.err().contains("tools/pth_to_safetensors.py"), r.all());
    }

    // ------------------------------------------------------------------ checkpoints

    private Tensor tinyInput(int n) {
        return Tensor.rand(Backends.reference(), new RandomSource(3), -1f, 1f, n, 1, 16, 16);
    }

    @Test
    void aRunFolderMeansItsBestCheckpointAndNamesTheModel() throws IOException {
        SplitModel best = InferenceFixtures.tinyModel(5);
        Path run = dir.resolve("run");
        InferenceFixtures.saveCheckpoint(run, "best", best);
        InferenceFixtures.saveCheckpoint(run, "last", InferenceFixtures.tinyModel(6));
        Tensor x = tinyInput(3);
        Path input = InferenceFixtures.write(dir.resolve("x.safetensors"), Map.of("input", StoredTensor.of(x)));
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict("--weights", run.toString(), "--input", input.toString(), "--output", output.toString(),
                "--device", "reference");
        assertEquals(0, r.status(), r.all());
        assertEquals("", r.err(), r.all());
        assertSamePrediction(Predictor.run(best.to(Backends.reference()), x), output);
        assertTrue(r.out().contains("run checkpoint"), r.all());

        // The checkpoint file itself, with flags that agree with it.
        Path last = Checkpoints.dir(run).resolve("last.safetensors");
        r = predict("--weights", last.toString(), "--arch", "CNN", "--classes", "3", "--input", input.toString(), "--output",
                output.toString(), "--device", "reference");
        assertEquals(0, r.status(), r.all());
        assertSamePrediction(Predictor.run(InferenceFixtures.tinyModel(6).to(Backends.reference()), x), output);
    }

    @Test
    void aFlagThatContradictsTheCheckpointIsAUsageErrorNamingBothValues() throws IOException {
        Path run = dir.resolve("run");
        InferenceFixtures.saveCheckpoint(run, "best", InferenceFixtures.tinyModel(5));
        Path input = InferenceFixtures.write(dir.resolve("x.safetensors"), Map.of("input", StoredTensor.of(tinyInput(1))));
        Outcome r = predict("--weights", run.toString(), "--classes", "10", "--input", input.toString(), "--output",
                dir.resolve("out.safetensors").toString());
        assertEquals(2, r.status(), r.all());
        assertEquals(1, r.err().lines().count(), r.all());
        assertTrue(r.err().contains("--classes 10 contradicts the checkpoint, whose classes is 3"), r.all());
        r = predict("--weights", run.toString(), "--defense", "siftfunnel", "--input", input.toString(), "--output",
                dir.resolve("out.safetensors").toString());
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("--defense siftfunnel contradicts the checkpoint, whose defense is none"), r.all());
    }

    @Test
    void predictsFromTheCheckpointOfARealTrainingRun() throws IOException {
        TrainSettings s = TrainSettings.forProfile("default");
        s.arch = "cnn";
        s.defense = "none";
        s.imageSize = 16;
        s.epochs = 1;
        s.batchSize = 16;
        s.trainLimit = 32;
        s.testLimit = 16;
        s.warmupEpochs = 0;
        s.augment = false;
        s.preciseBn = false;
        Path run = dir.resolve("run");
        Trainer.Result result = new Trainer(s, DataSources.load("bundled"), Backends.reference(), run,
                new PrintStream(ByteArrayOutputStream.nullOutputStream())).run(false);
        Tensor x = tinyInput(2);
        Path input = InferenceFixtures.write(dir.resolve("x.safetensors"), Map.of("input", StoredTensor.of(x)));
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict("--weights", run.toString(), "--input", input.toString(), "--output", output.toString(), "--device",
                "reference");
        assertEquals(0, r.status(), r.all());
        assertSamePrediction(Predictor.run(result.model(), x), output);
        assertEquals("cnn/none", SafeTensors.read(output).metadata().get("model"));
        // The bundled data's class names (Fashion-MNIST's) come from the checkpoint's data record.
        assertTrue(r.out().matches("(?s).*#0: class \\d \\([A-Za-z/ -]+\\).*"), r.all());
    }

    private static void assertSamePrediction(Prediction expected, Path output) throws IOException {
        SafeTensors.Contents got = SafeTensors.read(output);
        assertArrayEquals(expected.features().toArray(), got.require("features").toFloats());
        assertArrayEquals(expected.logProbs().toArray(), got.require("log_probs").toFloats());
        assertArrayEquals(expected.features().shape(), got.require("features").shape());
    }

    // ------------------------------------------------------------------ image input

    @Test
    void aGreyPngIsScaledAndNormalisedWithTheCheckpointsStatistics() throws IOException {
        SplitModel model = InferenceFixtures.tinyModel(8);
        Path run = dir.resolve("run");
        InferenceFixtures.saveCheckpoint(run, "best", model);
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        float[] expected = new float[16 * 16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int v = (x * 16 + y * 7) % 256;
                img.getRaster().setSample(x, y, 0, v);
                expected[y * 16 + x] = (v / 255f - 0.25f) / 0.4f;
            }
        }
        Path png = dir.resolve("digit.png");
        ImageIO.write(img, "png", png.toFile());
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict("--weights", run.toString(), "--input", png.toString(), "--output", output.toString(),
                "--device", "reference");
        assertEquals(0, r.status(), r.all());
        Tensor x = Tensor.of(Backends.reference(), expected, 1, 1, 16, 16);
        assertClose(Predictor.run(model.to(Backends.reference()), x), output);
        assertTrue(r.out().contains("1 input from"), r.all());
        assertTrue(r.out().matches("(?s).*#0: class \\d \\((circle|square|star)\\).*"), r.all());
    }

    @Test
    void anRgbPngOfAnotherSizeIsConvertedToGreyAndResized() throws IOException {
        SplitModel model = InferenceFixtures.tinyModel(9);
        Path run = dir.resolve("run");
        InferenceFixtures.saveCheckpoint(run, "best", model);
        // A uniform colour: any resize leaves it uniform, and its luma is known.
        BufferedImage img = new BufferedImage(24, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, (100 << 16) | (150 << 8) | 200);
            }
        }
        Path png = dir.resolve("colour.png");
        ImageIO.write(img, "png", png.toFile());
        Path output = dir.resolve("out.safetensors");
        Outcome r = predict("--weights", run.toString(), "--input", png.toString(), "--output", output.toString(),
                "--device", "reference");
        assertEquals(0, r.status(), r.all());
        float luma = (0.299f * 100 + 0.587f * 150 + 0.114f * 200) / 255f;
        Tensor x = Tensor.full(Backends.reference(), (luma - 0.25f) / 0.4f, 1, 1, 16, 16);
        assertClose(Predictor.run(model.to(Backends.reference()), x), output);
    }

    /** Within float rounding of the pixel arithmetic (the values pass through a few more operations). */
    private static void assertClose(Prediction expected, Path output) throws IOException {
        SafeTensors.Contents got = SafeTensors.read(output);
        float[][] pairs = {expected.features().toArray(), got.require("features").toFloats(), expected.logProbs().toArray(),
            got.require("log_probs").toFloats()};
        for (int p = 0; p < 4; p += 2) {
            assertEquals(pairs[p].length, pairs[p + 1].length);
            for (int i = 0; i < pairs[p].length; i++) {
                assertEquals(pairs[p][i], pairs[p + 1][i], 1e-4f * (1 + Math.abs(pairs[p][i])), "element " + i);
            }
        }
    }

    // ------------------------------------------------------------------ bad inputs and usage

    @Test
    void inputOfTheWrongShapeNamesTheExpectedShape() throws IOException {
        Path weights = InferenceFixtures.goldenFile();
        int[][] shapes = {{2, 3, 32, 32}, {1, 32, 32}, {2, 1, 28, 28}};
        for (int[] shape : shapes) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            Path input = InferenceFixtures.write(dir.resolve("bad.safetensors"),
                    Map.of("input", StoredTensor.ofFloats(new float[n], shape)));
            Outcome r = predict(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--weights-prefix", "param.", "--input",
                    input.toString(), "--output", dir.resolve("out.safetensors").toString()));
            assertEquals(1, r.status(), r.all());
            assertTrue(r.err().contains("expects [N, 1, 32, 32]") && r.err().contains(java.util.Arrays.toString(shape)), r.all());
        }
    }

    @Test
    void inputProblemsAreOneLineErrors() throws IOException {
        Path weights = InferenceFixtures.goldenFile();
        Path noInputTensor = InferenceFixtures.write(dir.resolve("x.safetensors"),
                Map.of("images", StoredTensor.ofFloats(new float[1024], 1, 1, 32, 32)));
        Path notSafetensors = Files.writeString(dir.resolve("text.safetensors"), "hello, this is not a tensor file");
        Path unknownType = Files.writeString(dir.resolve("input.txt"), "1 2 3");
        Path notAnImage = Files.writeString(dir.resolve("fake.png"), "not a png");
        Map<Path, String> expected = new LinkedHashMap<>();
        expected.put(noInputTensor, "no tensor named 'input' (the file has 1: images)");
        expected.put(notSafetensors, "not a valid safetensors file");
        expected.put(unknownType, "unknown input type");
        expected.put(notAnImage, "not an image this JVM can decode");
        for (Map.Entry<Path, String> e : expected.entrySet()) {
            Outcome r = predict(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--weights-prefix", "param.", "--input",
                    e.getKey().toString(), "--output", dir.resolve("out.safetensors").toString()));
            assertEquals(1, r.status(), r.all());
            assertTrue(r.err().contains(e.getValue()) && r.err().contains(e.getKey().toString()), r.all());
            assertEquals(2, r.err().lines().count(), r.all()); // the message and the debug hint
        }
    }

    @Test
    void usageErrorsAreOneLineWithStatusTwo() throws IOException {
        Path weights = InferenceFixtures.goldenFile();
        Path input = goldenInput();
        String out = dir.resolve("out.safetensors").toString();
        List<String[]> cases = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        cases.add(new String[] {"--arch", "cnn", "--defense", "siftfunnel", "--channels", "1", "--image-size", "32", "--classes", "10",
            "--weights", dir.resolve("missing.safetensors").toString(), "--input", input.toString(), "--output", out});
        messages.add("--weights " + dir.resolve("missing.safetensors") + ": no such file or folder");
        cases.add(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--input", dir.resolve("nope.png").toString(), "--output", out));
        messages.add("nope.png: no such file or folder");
        cases.add(new String[] {"--arch", "transformer", "--defense", "siftfunnel", "--channels", "1", "--image-size", "32", "--classes",
            "10", "--weights", weights.toString(), "--input", input.toString(), "--output", out});
        messages.add("unknown arch 'transformer'; expected one of [cnn, vgg16, resnet18]");
        cases.add(new String[] {"--arch", "cnn", "--channels", "1", "--image-size", "32", "--classes", "10", "--weights",
            weights.toString(), "--input", input.toString(), "--output", out});
        messages.add("option --defense is required");
        cases.add(concat(GOLDEN_MODEL, "--weights", weights.toString(), "--input", input.toString()));
        messages.add("option --output is required");
        cases.add(new String[] {"--arch", "cnn", "--defense", "siftfunnel", "--channels", "1", "--image-size", "30", "--classes", "10",
            "--weights", weights.toString(), "--input", input.toString(), "--output", out});
        messages.add("multiple of 16");
        for (int i = 0; i < cases.size(); i++) {
            Outcome r = predict(cases.get(i));
            assertEquals(2, r.status(), r.all());
            assertEquals(1, r.err().lines().count(), r.all());
            assertTrue(r.err().contains(messages.get(i)), messages.get(i) + "\n" + r.all());
        }
    }

    @Test
    void helpDescribesTheOptions() {
        Outcome r = predict("--help");
        assertEquals(0, r.status(), r.all());
        for (String option : List.of("--weights", "--weights-prefix", "--input", "--output", "--arch", "--defense", "--channels",
                "--image-size", "--classes", "--device")) {
            assertTrue(r.out().contains(option), option + "\n" + r.all());
        }
    }
}
