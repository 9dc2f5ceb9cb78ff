package org.siftfunnel.model.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.model.attack.Attacks;
import org.siftfunnel.model.data.BundledFashionMnist;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.train.TrainSettings;

/**
 * Tiny end-to-end evaluations (16×16 images, a few hundred training images, one epoch, attack
 * budgets of a few steps): the results.json schema, exact reproduction with the same seed,
 * resumption from DIR/state, and seed aggregation.
 */
class EvaluationTest {
    private static DataSplits data;
    private static final Backend BACKEND = Backends.getDefault();

    @BeforeAll
    static void load() throws IOException {
        data = BundledFashionMnist.load();
    }

    static TrainSettings tinyTraining() {
        TrainSettings t = TrainSettings.forProfile("demo");
        t.set("epochs", "1");
        t.set("train-limit", "128");
        t.set("test-limit", "32");
        t.set("image-size", "16");
        t.set("batch-size", "64");
        t.set("precise-bn-batches", "2");
        return t;
    }

    static EvaluationSettings tinyEvaluation(String defenses, String attacks) {
        EvaluationSettings e = EvaluationSettings.forProfile("demo");
        e.set("defenses", defenses);
        e.set("attacks", attacks);
        e.set("decoder-epochs", "1");
        e.set("inversion-iterations", "3");
        e.set("tv-sweep-images", "2");
        e.set("selection-limit", "16");
        e.set("aux-limit", "48");
        e.set("attack-images", "8");
        e.set("feature-images", "16");
        e.set("classifier-epochs", "1");
        e.set("latency-runs", "5");
        e.set("mine-epochs", "1");
        e.set("mine-train-limit", "32");
        e.set("mine-batch-size", "16");
        e.set("mine-eval-limit", "16");
        return e;
    }

    private static Evaluation evaluation(Path dir, EvaluationSettings e) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Evaluation(tinyTraining(), e, data, BACKEND, dir, quiet);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutTimings(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (Evaluation.TIMING_KEYS.contains(k)) {
                return;
            }
            out.put(k, strip(v));
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object strip(Object v) {
        if (v instanceof Map<?, ?> m) {
            return withoutTimings((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(strip(x)));
            return out;
        }
        return v;
    }

    /** Copies the files under {@code from} that {@code which} accepts to the same places under {@code to}. */
    private static void copyFiles(Path from, Path to, java.util.function.Predicate<Path> which) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).filter(which).toList()) {
                Path target = to.resolve(from.relativize(f));
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
    }

    private static Map<String, Object> readResults(Path dir) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("results.json")));
        return m;
    }

    @Test
    @SuppressWarnings("unchecked")
    void schemaReproductionAndResume(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        EvaluationSettings settings = tinyEvaluation("none,noise,siftfunnel", "blackbox,whitebox");
        Evaluation first = evaluation(a, settings);
        first.run();
        Map<String, Integer> ran = first.store().executions();
        assertEquals(2, ran.get("train"), ran.toString());
        assertEquals(6, ran.get("attack"), ran.toString());
        assertEquals(3, ran.get("mine"), ran.toString());
        assertEquals(1, ran.get("accuracy"), "only noise computes its accuracy; trained defenses report their run's");

        Map<String, Object> r = readResults(a);
        assertEquals(Evaluation.FORMAT, r.get("format"));
        for (String k : List.of("arch", "profile", "seeds", "settings", "environment", "timings", "selection_rule", "sweep_rule",
                "comparable_within", "reference_defense", "evaluation_classifier", "mine", "defenses", "per_seed")) {
            assertTrue(r.containsKey(k), "results.json lacks " + k);
        }
        Map<String, Object> env = (Map<String, Object>) r.get("environment");
        for (String k : List.of("git_commit", "jdk", "backend", "vector_width", "threads", "data")) {
            assertTrue(env.containsKey(k), "environment lacks " + k);
        }
        assertEquals("siftfunnel", r.get("reference_defense"));
        Map<String, Object> defenses = (Map<String, Object>) r.get("defenses");
        assertEquals(List.of("none", "noise", "siftfunnel"), List.copyOf(defenses.keySet()));
        for (Map.Entry<String, Object> d : defenses.entrySet()) {
            Map<String, Object> e = (Map<String, Object>) d.getValue();
            for (String k : List.of("params", "accuracy", "comparable", "delta_z", "feature_dim", "delta_z_ratio", "mine_paper",
                    "mine_corrected", "dcor_xz", "effective_rank", "edge_params", "edge_macs", "bytes_per_image", "edge_latency_ms",
                    "edge_cost_ratio", "attacks", "strongest_attack")) {
                assertTrue(e.containsKey(k), d.getKey() + " lacks " + k + ": " + e.keySet());
            }
            assertFalse(e.containsKey("accuracy_std"), "one seed: no _std");
            for (String attack : List.of("blackbox", "whitebox")) {
                Map<String, Object> at = (Map<String, Object>) ((Map<String, Object>) e.get("attacks")).get(attack);
                for (String k : List.of("mse", "psnr", "ssim", "cosine", "attack_accuracy", "dcor_x_xhat", "paper_mse", "paper_psnr",
                        "paper_ssim", "recon")) {
                    assertTrue(at.containsKey(k), d.getKey() + "/" + attack + " lacks " + k + ": " + at.keySet());
                }
                Path recon = a.resolve((String) at.get("recon"));
                assertEquals(a.resolve("recon").resolve(d.getKey()).resolve(attack + ".safetensors"), recon);
                var tensors = SafeTensors.read(recon).tensors();
                assertEquals(List.of(8, 1, 16, 16), java.util.Arrays.stream(tensors.get("original").shape()).boxed().toList());
                assertEquals(List.of(8, 1, 16, 16), java.util.Arrays.stream(tensors.get("reconstruction").shape()).boxed().toList());
            }
        }
        assertEquals("train/none-seed1", ((Map<String, Object>) defenses.get("none")).get("train_run"));
        assertFalse(((Map<String, Object>) defenses.get("noise")).containsKey("train_run"));
        assertEquals(1.0, ((Number) ((Map<String, Object>) defenses.get("noise")).get("edge_cost_ratio")).doubleValue());
        assertFalse(Files.readString(a.resolve("results.json")).contains("null"), "missing values are absent, never null");

        // The same seed reproduces every number (timings aside) in a fresh folder.
        evaluation(b, settings).run();
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(b))));

        // The stage files alone carry a run to a fresh folder (or machine): only the models are
        // trained again, bit for bit as before, and every number comes back the same.
        Path c = tmp.resolve("c");
        copyFiles(a, c, f -> f.startsWith(a.resolve("state")) && f.toString().endsWith(".json"));
        Evaluation moved = evaluation(c, settings);
        moved.run();
        assertEquals(Map.of("train", 2), moved.store().executions());
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(c))));

        // With the trainings' records and the evaluation classifier too, but no checkpoint, nothing
        // is computed: a model is loaded only for a stage that runs. Losing one stage then trains
        // exactly that stage's model again, to the same weights, and reruns that stage.
        Path d = tmp.resolve("d");
        Set<String> records = Set.of("config.json", "run.json", "summary.json", "metrics.jsonl");
        copyFiles(a, d, f -> f.startsWith(a.resolve("evaluation")) || f.startsWith(a.resolve("state")) && f.toString().endsWith(".json")
                || f.startsWith(a.resolve("train")) && records.contains(f.getFileName().toString()));
        Evaluation assembled = evaluation(d, settings);
        assembled.run();
        assertTrue(assembled.store().executions().isEmpty(), assembled.store().executions().toString());
        assertFalse(Files.exists(d.resolve("train/none-seed1/checkpoints")), "no model was trained or loaded");
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(d))));
        Files.delete(d.resolve("state/seed1/siftfunnel/attack-whitebox.json"));
        ByteArrayOutputStream retrainLog = new ByteArrayOutputStream();
        Evaluation oneStage = new Evaluation(tinyTraining(), settings, data, BACKEND, d, new PrintStream(retrainLog, true, StandardCharsets.UTF_8));
        oneStage.run();
        assertEquals(Map.of("train", 1, "attack", 1), oneStage.store().executions());
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(d))));
        String retrained = retrainLog.toString(StandardCharsets.UTF_8);
        assertTrue(retrained.contains("seed 1 · siftfunnel: a stage needs the model, whose checkpoint is not here"), retrained);
        assertFalse(retrained.contains("warning"), retrained);

        // A rerun in the same folder runs nothing and writes the same results.
        Evaluation again = evaluation(a, settings);
        again.run();
        assertTrue(again.store().executions().isEmpty(), again.store().executions().toString());
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(a))));

        // Losing one stage's state reruns exactly that stage, with the same outcome.
        Files.delete(a.resolve("state/seed1/noise/attack-whitebox.json"));
        Evaluation partial = evaluation(a, settings);
        partial.run();
        assertEquals(Map.of("attack", 1), partial.store().executions());
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(a))));

        // Every stage names its build; results drawn from another build's stage say so, and the run warns.
        String build = partial.store().build();
        Map<String, Object> builds = (Map<String, Object>) env.get("stage_builds");
        assertEquals(Set.of(build), builds.keySet(), "one build computed everything: " + builds);
        int stages = ((Number) builds.get(build)).intValue();
        assertEquals(0, ((Number) env.get("stages_from_other_builds")).intValue());
        Path stageFile = a.resolve("state/seed1/siftfunnel/attack-blackbox.json");
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(stageFile));
        assertEquals(build, doc.get("build"));
        doc.put("build", "0123abc");
        Files.writeString(stageFile, Json.writePretty(doc));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluation mixed = new Evaluation(tinyTraining(), settings, data, BACKEND, a, new PrintStream(log, true, StandardCharsets.UTF_8));
        mixed.run();
        assertTrue(mixed.store().executions().isEmpty(), "another build's stage is reused, not redone");
        Map<String, Object> mixedEnv = (Map<String, Object>) readResults(a).get("environment");
        assertEquals(Map.of(build, stages - 1, "0123abc", 1), ((Map<String, Object>) mixedEnv.get("stage_builds")).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, x -> ((Number) x.getValue()).intValue())));
        assertEquals(1, ((Number) mixedEnv.get("stages_from_other_builds")).intValue());
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("siftfunnel · attack:blackbox: reusing a result computed by build 0123abc"), printed);
        assertTrue(printed.contains("note: 1 of the stages were computed by other builds"), printed);
    }

    /** Where a test ends a run, as a killed process would. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed after a snapshot");
        }
    }

    /** Runs the evaluation in {@code dir} and ends it, as a killed process, right after the {@code n}-th snapshot saved. */
    private static void runKilledAfterSnapshots(Path dir, EvaluationSettings settings, int n) {
        Evaluation killed = evaluation(dir, settings);
        int[] saves = {0};
        killed.afterSnapshot(() -> {
            if (++saves[0] == n) {
                throw new Killed();
            }
        });
        assertThrows(Killed.class, killed::run);
    }

    @Test
    @SuppressWarnings("unchecked")
    void stagesStoppedPartWayGoOnFromTheirSnapshots(@TempDir Path dir) throws IOException {
        EvaluationSettings settings = tinyEvaluation("none,noise", "blackbox");
        settings.set("decoder-epochs", "3");
        settings.set("mine-epochs", "3");
        settings.set("snapshot-seconds", "0");
        evaluation(dir, settings).run();
        Map<String, Object> r = readResults(dir);
        Path stage = dir.resolve("state/seed1/noise/attack-blackbox.json");
        Path snapshot = dir.resolve("state/seed1/noise/attack-blackbox.snapshot-decoder.safetensors");
        assertFalse(Files.exists(snapshot), "a finished stage leaves no snapshot");

        // The noise defense's decoder (a random perturbation on every batch) is stopped after
        // its second epoch's snapshot, as if the process had been killed there.
        Files.delete(stage);
        runKilledAfterSnapshots(dir, settings, 2);
        assertTrue(Files.isRegularFile(snapshot), "the snapshot outlives the process");
        assertFalse(Files.exists(stage));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluation resumed = new Evaluation(tinyTraining(), settings, data, BACKEND, dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        resumed.run();
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("seed 1 · noise · attack:blackbox: resuming decoder from its snapshot after epoch 2/3"), printed);
        assertEquals(Map.of("attack", 1), resumed.store().executions());
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(dir))),
                "the same numbers as the run that was never stopped");
        assertFalse(Files.exists(snapshot), "the finished stage deletes its snapshot");
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(stage));
        double before = ((Number) doc.get("resumed_after_s")).doubleValue();
        assertTrue(before > 0 && before < ((Number) doc.get("seconds")).doubleValue(), doc.toString());

        // Ctrl-C during the decoder's training: the stage saves a snapshot at its epoch's end and
        // the run stops (here the stop comes with the first snapshot, after epoch 1).
        Files.delete(stage);
        Evaluation stopped = evaluation(dir, settings);
        stopped.afterSnapshot(stopped::requestStop);
        assertThrows(Evaluation.Interrupted.class, stopped::run);
        assertTrue(Files.isRegularFile(snapshot));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        new Evaluation(tinyTraining(), settings, data, BACKEND, dir, new PrintStream(again, true, StandardCharsets.UTF_8)).run();
        assertTrue(again.toString(StandardCharsets.UTF_8).contains("resuming decoder from its snapshot after epoch 1/3"),
                again.toString(StandardCharsets.UTF_8));
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(dir))));

        // MINE: the paper estimator saves after epochs 1 and 2, then its finished estimate; the
        // corrected one is stopped after its first epoch's snapshot (the 4th save).
        Path mine = dir.resolve("state/seed1/noise/mine.json");
        Files.delete(mine);
        runKilledAfterSnapshots(dir, settings, 4);
        assertTrue(Files.isRegularFile(dir.resolve("state/seed1/noise/mine.snapshot-mine-paper-result.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("state/seed1/noise/mine.snapshot-mine-corrected.safetensors")));
        ByteArrayOutputStream mineLog = new ByteArrayOutputStream();
        Evaluation mineResumed = new Evaluation(tinyTraining(), settings, data, BACKEND, dir,
                new PrintStream(mineLog, true, StandardCharsets.UTF_8));
        mineResumed.run();
        String minePrinted = mineLog.toString(StandardCharsets.UTF_8);
        assertTrue(minePrinted.contains("seed 1 · noise · mine: resuming mine-paper-result from its snapshot after the finished paper estimate"),
                minePrinted);
        assertTrue(minePrinted.contains("seed 1 · noise · mine: resuming mine-corrected from its snapshot after epoch 1/3"), minePrinted);
        assertEquals(Map.of("mine", 1), mineResumed.store().executions());
        assertEquals(Json.writePretty(withoutTimings(r)), Json.writePretty(withoutTimings(readResults(dir))),
                "MINE resumed in its second estimator gives the numbers of the run that was never stopped");
        try (var left = Files.list(dir.resolve("state/seed1/noise"))) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().contains(".snapshot-")).toList());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDefenseMeetsEveryAttack(@TempDir Path dir) throws IOException {
        // The whole matrix at toy budgets: a defense whose model an attack cannot handle (the shadow
        // attack once failed on MID's edge, hours into a real run) must fail here instead.
        EvaluationSettings e = tinyEvaluation(String.join(",", Defenses.NAMES), String.join(",", Attacks.NAMES));
        e.set("mine", "off");
        e.set("shadow-epochs", "1");
        e.set("latency-runs", "1");
        Map<String, Object> r = evaluation(dir, e).run();
        Map<String, Object> defenses = (Map<String, Object>) r.get("defenses");
        assertEquals(Defenses.NAMES, List.copyOf(defenses.keySet()));
        for (String d : Defenses.NAMES) {
            Map<String, Object> attacks = (Map<String, Object>) ((Map<String, Object>) defenses.get(d)).get("attacks");
            assertEquals(Attacks.NAMES, List.copyOf(attacks.keySet()), d);
            for (String a : Attacks.NAMES) {
                double ssim = ((Number) ((Map<String, Object>) attacks.get(a)).get("ssim")).doubleValue();
                assertTrue(Double.isFinite(ssim), d + " × " + a + ": SSIM " + ssim);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void seedsAreAggregatedWithStdAndSweepsChooseARepresentative(@TempDir Path dir) throws IOException {
        EvaluationSettings e = tinyEvaluation("none", "blackbox");
        e.set("seeds", "2");
        e.set("mine", "off");
        e.set("sweep", "noise.sigma=0.1,3");
        Map<String, Object> r = evaluation(dir, e).run();
        assertEquals(List.of(1L, 2L), r.get("seeds"));
        assertEquals("none", r.get("reference_defense"), "without siftfunnel the undefended model is the reference");
        Map<String, Object> none = (Map<String, Object>) ((Map<String, Object>) r.get("defenses")).get("none");
        List<Object> perSeed = (List<Object>) r.get("per_seed");
        assertEquals(2, perSeed.size());
        double a1 = ((Number) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) perSeed.get(0)).get("defenses"))
                .get("none")).get("accuracy")).doubleValue();
        double a2 = ((Number) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) perSeed.get(1)).get("defenses"))
                .get("none")).get("accuracy")).doubleValue();
        assertEquals((a1 + a2) / 2, ((Number) none.get("accuracy")).doubleValue(), 1e-12);
        assertEquals(Math.abs(a1 - a2) / Math.sqrt(2), ((Number) none.get("accuracy_std")).doubleValue(), 1e-12);
        Map<String, Object> bb = (Map<String, Object>) ((Map<String, Object>) none.get("attacks")).get("blackbox");
        assertTrue(bb.containsKey("ssim_std") && bb.containsKey("mse_std"), bb.toString());
        assertEquals("train/none-seed1", none.get("train_run"));
        assertTrue(Files.isDirectory(dir.resolve("train/none-seed2")));

        Map<String, Object> noise = (Map<String, Object>) ((Map<String, Object>) r.get("defenses")).get("noise");
        List<Object> sweep = (List<Object>) noise.get("sweep");
        assertEquals(2, sweep.size());
        assertNotNull(noise.get("sweep_choice"));
        double chosen = ((Number) ((Map<String, Object>) noise.get("sweep_choice")).get("value")).doubleValue();
        assertEquals(Map.of("sigma", chosen), noise.get("params"));
        assertTrue(Files.isRegularFile(dir.resolve("recon/noise-sigma-0.1/blackbox.safetensors")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void featuresCanBeEvaluatedAfterTheWireDtypesRoundTrip(@TempDir Path dir) throws IOException {
        EvaluationSettings plain = tinyEvaluation("none", "blackbox");
        plain.set("mine", "off");
        Map<String, Object> f32 = evaluation(dir.resolve("f32"), plain).run();
        EvaluationSettings int8 = tinyEvaluation("none", "blackbox");
        int8.set("mine", "off");
        int8.set("wire-dtype", "int8");
        Map<String, Object> q8 = evaluation(dir.resolve("int8"), int8).run();
        assertTrue(q8.get("settings").toString().contains("int8"), "the dtype is recorded: " + q8.get("settings"));
        Map<String, Object> a = (Map<String, Object>) ((Map<String, Object>) f32.get("defenses")).get("none");
        Map<String, Object> b = (Map<String, Object>) ((Map<String, Object>) q8.get("defenses")).get("none");
        double dcorPlain = ((Number) a.get("dcor_xz")).doubleValue();
        double dcorInt8 = ((Number) b.get("dcor_xz")).doubleValue();
        // Same seed, same trained model: only the 8-bit round trip of z differs, which moves
        // dCor(x, z) a little and not a lot.
        assertNotEquals(dcorPlain, dcorInt8, "int8 features must differ from float32 ones");
        assertEquals(dcorPlain, dcorInt8, 0.05);
    }

    @Test
    void aRunFolderTrainedWithOtherSettingsIsNotSilentlyReused(@TempDir Path dir) throws IOException {
        EvaluationSettings e = tinyEvaluation("none", "blackbox");
        e.set("mine", "off");
        evaluation(dir, e).run();
        TrainSettings other = tinyTraining();
        other.set("lr", "0.01");
        Evaluation clash = new Evaluation(other, e, data, BACKEND, dir, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        IllegalStateException ex = assertThrows(IllegalStateException.class, clash::run);
        assertTrue(ex.getMessage().contains("none-seed1") && ex.getMessage().contains("lr"), ex.getMessage());
    }
}
