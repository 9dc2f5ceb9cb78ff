package org.siftfunnel.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.DataSources;
import org.siftfunnel.model.data.DataSplits;

/** Small runs of the trainer on the bundled data: determinism, run folder contents, resume, settings. */
class TrainerTest {
    private static DataSplits data;

    @BeforeAll
    static void load() throws Exception {
        data = DataSources.load("bundled");
    }

    private static TrainSettings tiny(String defense) {
        TrainSettings s = TrainSettings.forProfile("demo");
        s.set("defense", defense).set("image-size", "16").set("epochs", "1").set("batch-size", "32")
                .set("train-limit", "96").set("test-limit", "64").set("precise-bn-batches", "2").set("seed", "5");
        return s;
    }

    private static Trainer.Result train(TrainSettings s, Path dir, boolean resume) throws Exception {
        Backend be = Backends.getDefault();
        return new Trainer(s, data, be, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(resume);
    }

    private static List<String> metricsWithoutTimes(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream().map(l -> l.replaceAll("\"seconds\":[0-9.eE+-]+", "")).toList();
    }

    @Test
    void sameSeedSameBackendGivesIdenticalMetricsAndWeights(@TempDir Path dir) throws Exception {
        // The first run also warms the JIT, so this catches kernels whose results depend on the compilation tier.
        for (String defense : new String[] {"siftfunnel", "none"}) {
            Trainer.Result a = train(tiny(defense), dir.resolve(defense + "-a"), false);
            Trainer.Result b = train(tiny(defense), dir.resolve(defense + "-b"), false);
            assertEquals(metricsWithoutTimes(dir.resolve(defense + "-a")), metricsWithoutTimes(dir.resolve(defense + "-b")), defense);
            Map<String, Tensor> wa = a.model().stateDict();
            Map<String, Tensor> wb = b.model().stateDict();
            for (String k : wa.keySet()) {
                assertArrayEquals(wa.get(k).toArray(), wb.get(k).toArray(), defense + ": " + k);
            }
        }
    }

    @Test
    void runFolderHoldsSettingsMetricsCheckpointsAndProvenance(@TempDir Path dir) throws Exception {
        Trainer.Result r = train(tiny("siftfunnel"), dir, false);
        assertFalse(r.interrupted());
        for (String f : new String[] {"config.json", "run.json", "metrics.jsonl", "summary.json",
                "checkpoints/last.safetensors", "checkpoints/last.optimizer.safetensors", "checkpoints/last.json",
                "checkpoints/best.safetensors", "checkpoints/best.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        String run = Files.readString(dir.resolve("run.json"));
        for (String key : new String[] {"git_commit", "jdk", "backend", "vector_width", "threads", "sha256", "settings", "normalization"}) {
            assertTrue(run.contains(key), "run.json lacks " + key);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("config.json")));
        assertEquals("siftfunnel", cfg.get("defense"));
        assertEquals(0.001, ((Number) cfg.get("weight-decay")).doubleValue(), 1e-12, "paper's weight decay for SiftFunnel");
        // The written config reproduces the settings.
        TrainSettings again = TrainSettings.forProfile("demo").apply(cfg, "config.json");
        assertEquals(Json.write(tiny("siftfunnel").toJson()), Json.write(again.toJson()));
    }

    @Test
    void resumeContinuesFromTheLastCompletedEpoch(@TempDir Path dir) throws Exception {
        train(tiny("none"), dir, false);
        TrainSettings two = tiny("none").set("epochs", "2");
        Trainer.Result r = train(two, dir, true);
        assertEquals(2, r.epochsDone());
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).startsWith("{\"epoch\":2"), lines.get(1));
    }

    @Test
    void aResumedRunEndsWithTheWeightsOfARunThatNeverStopped(@TempDir Path dir) throws Exception {
        // A constant rate, so that a first part trained with epochs = 1 and resumed with epochs = 2
        // sees the same rates as the straight two-epoch run. MID samples its bottleneck while it
        // trains: the resumed run must draw what the straight one drew in epoch 2.
        for (String defense : new String[] {"none", "mid"}) {
            TrainSettings two = tiny(defense).set("lr-schedule", "constant").set("warmup-epochs", "0").set("epochs", "2");
            Trainer.Result straight = train(two, dir.resolve(defense + "-straight"), false);
            Path parts = dir.resolve(defense + "-parts");
            train(tiny(defense).set("lr-schedule", "constant").set("warmup-epochs", "0"), parts, false);
            Trainer.Result resumed = train(two, parts, true);
            assertEquals(metricsWithoutTimes(dir.resolve(defense + "-straight")), metricsWithoutTimes(parts), defense);
            Map<String, Tensor> wa = straight.model().stateDict();
            Map<String, Tensor> wb = resumed.model().stateDict();
            for (String k : wa.keySet()) {
                assertArrayEquals(wa.get(k).toArray(), wb.get(k).toArray(), defense + " " + k);
            }
        }
    }

    @Test
    void stopRequestWritesAnInterruptedCheckpoint(@TempDir Path dir) throws Exception {
        Backend be = Backends.getDefault();
        Trainer t = new Trainer(tiny("none"), data, be, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        t.requestStop();
        Trainer.Result r = t.run(false);
        assertTrue(r.interrupted());
        assertTrue(Files.isRegularFile(dir.resolve("checkpoints/interrupted.safetensors")));
        assertTrue(Files.readString(dir.resolve("checkpoints/interrupted.json")).contains("interrupted_in_epoch"));
    }

    @Test
    void settingsRejectBadValuesWithTheirName() {
        TrainSettings s = TrainSettings.forProfile("default");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.set("arch", "lenet")).getMessage().contains("arch must be one of"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.set("lr", "-1")).getMessage().contains("lr must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.set("epochs", "x")).getMessage().contains("epochs expects an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.set("learning-rate", "1")).getMessage().contains("unknown setting"));
        s.set("image-size", "40");
        assertTrue(assertThrows(IllegalArgumentException.class, s::validate).getMessage().contains("multiple of 16"));
        assertThrows(IllegalArgumentException.class, () -> TrainSettings.forProfile("fast"));
    }

    @Test
    void profilesDiffer() {
        assertEquals(64, TrainSettings.forProfile("paper").imageSize);
        assertEquals(300, TrainSettings.forProfile("paper").epochs);
        assertEquals(0.01, TrainSettings.forProfile("paper").lr, 1e-12);
        assertTrue(TrainSettings.forProfile("demo").epochs < TrainSettings.forProfile("default").epochs);
    }

    @Test
    void learningRateWarmsUpThenDecaysByCosine() {
        TrainSettings s = TrainSettings.forProfile("default");
        s.set("epochs", "4").set("warmup-epochs", "1").set("lr", "0.01").set("lr-schedule", "cosine");
        Trainer t = new Trainer(s, data, Backends.getDefault(), Path.of("unused"), System.out);
        assertEquals(0.001 + 0.009 / 10, t.learningRate(1, 0, 10), 1e-12, "warm-up starts at lr/10");
        assertEquals(0.01, t.learningRate(1, 9, 10), 1e-12, "warm-up ends at lr");
        assertEquals(0.0001, t.learningRate(4, 9, 10), 1e-12, "cosine ends at lr/100");
        double mid = t.learningRate(3, 4, 10); // step 25 of 40: halfway through the 30 decay steps
        assertEquals(0.0001 + 0.0099 / 2, mid, 1e-9);
        s.set("lr-schedule", "constant");
        assertEquals(0.01, t.learningRate(3, 5, 10), 1e-12);
    }
}
