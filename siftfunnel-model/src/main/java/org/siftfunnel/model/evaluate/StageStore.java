package org.siftfunnel.model.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.siftfunnel.engine.io.Json;
import org.siftfunnel.model.train.RunEnvironment;

/**
 * The finished stages of an evaluation, one JSON file each:
 * {@code DIR/state/seedK/ENTRY/STAGE.json} = {@code {"stage", "seed", "entry", "inputs", "seconds", "build", "result"}}
 * (plus {@code resumed_after_s} for a stage that went on from a snapshot, {@link StageSnapshots}).
 * A stage's file is written (temporary name, then an atomic move) as soon as the stage is done,
 * so an interrupted evaluation loses at most the stage it was in, and a rerun skips every stage
 * whose file exists with the same {@code inputs} (the settings the stage depends on). A file with
 * other inputs is stale: the stage runs again and replaces it.
 *
 * <p>Every value a result holds is taken from the file as read back, so a fresh run and a
 * resumed one assemble exactly the same numbers.
 *
 * <p>Each file also names the build (commit) that computed it. The build is deliberately not
 * one of the inputs: a newer build reuses what an older one finished, as a resumed run should,
 * but {@link #builds()} tallies the builds of every stage used, so results drawn from more than
 * one build say so ({@code environment.stage_builds} in results.json).
 */
public final class StageStore {
    private final Path root;
    private final String build;
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> builds = new ConcurrentHashMap<>();

    /** The label of stage files written before stages recorded their build. */
    public static final String UNRECORDED_BUILD = "unrecorded";

    public StageStore(Path evaluationDir) {
        this(evaluationDir, RunEnvironment.codeCommit());
    }

    /** @param build the commit of the code that computes new stages (recorded in each file it saves) */
    public StageStore(Path evaluationDir, String build) {
        this.root = evaluationDir.resolve("state");
        this.build = build;
    }

    /** The build new stages are recorded with. */
    public String build() {
        return build;
    }

    /** A stage's result read back, or null when it has not run with these inputs. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> find(long seed, String entry, String stage, Map<String, Object> inputs) throws IOException {
        Path f = file(seed, entry, stage);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(f));
        } catch (IllegalArgumentException e) {
            return null; // unreadable (cannot happen with atomic writes, but never trust it): recompute
        }
        if (!(parsed instanceof Map<?, ?> m) || !Json.write(inputs).equals(Json.write(m.get("inputs")))) {
            return null;
        }
        countBuild(m.get("build"));
        return (Map<String, Object>) m;
    }

    /** Records a finished stage and returns the stored file as read back. */
    public Map<String, Object> save(long seed, String entry, String stage, Map<String, Object> inputs, double seconds,
                                    Map<String, Object> result) throws IOException {
        return save(seed, entry, stage, inputs, seconds, 0, result);
    }

    /**
     * Records a finished stage that an earlier, stopped attempt had computed part of: {@code seconds}
     * counts every attempt, {@code resumedSeconds} those before the snapshot this one resumed
     * (recorded as {@code resumed_after_s} when positive).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> save(long seed, String entry, String stage, Map<String, Object> inputs, double seconds,
                                    double resumedSeconds, Map<String, Object> result) throws IOException {
        increment(executions, stage(stage));
        Path f = file(seed, entry, stage);
        Files.createDirectories(f.getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("stage", stage);
        doc.put("seed", seed);
        doc.put("entry", entry);
        doc.put("inputs", inputs);
        doc.put("seconds", seconds);
        if (resumedSeconds > 0) {
            doc.put("resumed_after_s", resumedSeconds);
        }
        doc.put("build", build);
        doc.put("result", result);
        String text = Json.writePretty(doc) + "\n";
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        countBuild(build);
        return (Map<String, Object>) Json.parse(text);
    }

    /**
     * How many of the stages this store handed out (found or saved) each build computed, by
     * commit ({@value #UNRECORDED_BUILD} for files that do not say), including the trainings
     * reported through {@link #countBuild}.
     */
    public Map<String, Integer> builds() {
        return snapshot(builds, new TreeMap<>());
    }

    /** Tallies one stage computed by {@code commit} (labelled by {@link #buildLabel}). */
    void countBuild(Object commit) {
        increment(builds, buildLabel(commit));
    }

    /** A stage file's {@code build} value as tallied: the commit, or {@value #UNRECORDED_BUILD} when null or blank. */
    static String buildLabel(Object commit) {
        return commit instanceof String c && !c.isBlank() ? c : UNRECORDED_BUILD;
    }

    /** How many times each kind of stage ({@code attack}, {@code mine}, ...) ran in this process; for tests and logs. */
    public Map<String, Integer> executions() {
        return snapshot(executions, new LinkedHashMap<>());
    }

    /** Records that a stage kept outside this store (training, the classifier) ran. */
    void countExecution(String stage) {
        increment(executions, stage(stage));
    }

    private static void increment(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts, Map<String, Integer> into) {
        counts.forEach((k, v) -> into.put(k, v.get()));
        return into;
    }

    private static String stage(String s) {
        int dash = s.indexOf(':');
        return dash < 0 ? s : s.substring(0, dash);
    }

    Path file(long seed, String entry, String stage) {
        return root.resolve("seed" + seed).resolve(folderName(entry)).resolve(folderName(stage) + ".json");
    }

    /**
     * A file-system-safe name for an entry or stage ({@code noise[sigma=0.5]} →
     * {@code noise-sigma-0.5}, {@code attack:blackbox} → {@code attack-blackbox}).
     */
    public static String folderName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]+", "-");
        s = s.replaceAll("-+", "-");
        if (s.endsWith("-")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? "_" : s;
    }
}
