package org.siftfunnel.model.evaluate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.console.ProgressBar;

/**
 * The snapshots of one stage of an evaluation, beside its stage file:
 * {@code DIR/state/seedK/ENTRY/STAGE.snapshot-NAME.safetensors}, one file per snapshot name,
 * written to a temporary name and moved into place ({@link SafeTensors#write}), so a process
 * killed while saving leaves the previous snapshot whole. Besides the computation's tensors and
 * values the file's metadata holds the stage's {@code inputs}, the {@code build}, the positions
 * of the stage's random streams (the defense's perturbation) and the stage's seconds so far.
 *
 * <p>A snapshot is handed back only to the same stage with the same inputs, the same build and
 * the same backend (device and thread count): anything else would make one stage's numbers a
 * mixture that no single run reproduces, so then the stage starts again (and says why). When the
 * stage is finished its snapshots are deleted.
 */
final class StageSnapshots implements Snapshots {
    private static final String FORMAT = "siftfunnel-stage-snapshot-1";

    private final Path stageFile;
    private final String inputs;
    private final String build;
    private final Backend backend;
    private final List<RandomSource> streams = new ArrayList<>();
    private final double intervalSeconds;
    private final LongSupplier clock;
    private final PrintStream out;
    private final String label;
    private long lastSave;
    private final long started;
    private double resumedSeconds;
    private int saves;
    private int failedSaves;
    private Runnable afterSave = () -> { };
    /** Whether the evaluation was asked to stop: then a snapshot is due at once, and the stage ends after saving it. */
    private BooleanSupplier stopRequested = () -> false;
    private volatile boolean offered;

    /**
     * @param stageFile       the stage's file in the {@link StageStore} (the snapshots are named after it)
     * @param inputs          the stage's inputs, as the store records them
     * @param build           the build computing the stage
     * @param backend         where the stage computes: loaded tensors go there, and a snapshot of another backend is not used
     * @param intervalSeconds the least time between two snapshots (0: whenever the attack offers one)
     * @param label           how messages name the stage ({@code seed 2 · none · attack:blackbox})
     */
    StageSnapshots(Path stageFile, Map<String, Object> inputs, String build, Backend backend, double intervalSeconds,
                   PrintStream out, String label) {
        this(stageFile, inputs, build, backend, intervalSeconds, out, label, System::nanoTime);
    }

    StageSnapshots(Path stageFile, Map<String, Object> inputs, String build, Backend backend, double intervalSeconds,
                   PrintStream out, String label, LongSupplier clock) {
        if (!(intervalSeconds >= 0)) {
            throw new IllegalArgumentException("snapshot interval must be ≥ 0 seconds, got " + intervalSeconds);
        }
        this.stageFile = Objects.requireNonNull(stageFile, "stageFile");
        this.inputs = Json.write(inputs);
        this.build = StageStore.buildLabel(build);
        this.backend = Objects.requireNonNull(backend, "backend");
        this.intervalSeconds = intervalSeconds;
        this.out = Objects.requireNonNull(out, "out");
        this.label = label;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastSave = started;
    }

    /**
     * Makes {@code stream}'s position part of every snapshot, in the order of the calls: a
     * snapshot saves it and {@link #load} puts it back. Track a stream before anything draws
     * from it that a snapshot must cover.
     */
    void track(RandomSource stream) {
        streams.add(Objects.requireNonNull(stream, "stream"));
    }

    /**
     * Ties the store to the evaluation's stop request: once it is set, {@link #due()} is true at
     * the next epoch's end and {@link #save} ends the stage ({@link Evaluation.Interrupted}) right
     * after writing the snapshot, so Ctrl-C loses at most the epoch in progress.
     */
    void stopWhen(BooleanSupplier requested) {
        this.stopRequested = Objects.requireNonNull(requested, "requested");
    }

    /** Whether the running computation has offered to save (it keeps snapshots, so a stop should wait for one). */
    boolean inUse() {
        return offered;
    }

    /** Runs {@code hook} after every save (tests stop a stage there, as a killed process would). */
    void afterSave(Runnable hook) {
        this.afterSave = Objects.requireNonNull(hook, "hook");
    }

    /** The file of snapshot {@code name}. */
    Path file(String name) {
        String stage = stageFile.getFileName().toString().replaceFirst("\\.json$", "");
        return stageFile.resolveSibling(stage + ".snapshot-" + StageStore.folderName(name) + ".safetensors");
    }

    @Override
    public boolean due() {
        offered = true;
        return stopRequested.getAsBoolean() || (clock.getAsLong() - lastSave) / 1e9 >= intervalSeconds;
    }

    /**
     * Writes the snapshot; a failure to write (a full disk) is reported once and the stage goes
     * on: a snapshot only shortens a rerun.
     */
    @Override
    public void save(String name, Snapshot snapshot) {
        Path f = file(name);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("inputs", inputs);
        meta.put("build", build);
        meta.put("backend", backend.description());
        meta.put("seconds", Double.toString(seconds()));
        List<Object> positions = new ArrayList<>();
        streams.forEach(s -> positions.add(Long.toString(s.position())));
        meta.put("streams", Json.write(positions));
        meta.put("values", Json.write(new LinkedHashMap<>(snapshot.values())));
        try {
            SafeTensors.writeTensors(f, new LinkedHashMap<>(snapshot.tensors()), meta); // a temporary file, then an atomic move
        } catch (IOException e) {
            // A snapshot only shortens a rerun: losing one (a full disk) must not end the hours of
            // work it would have saved. The previous snapshot, if any, is still whole.
            if (failedSaves++ == 0) {
                out.printf(Locale.ROOT, "%n%s: could not save a snapshot to %s (%s); the stage goes on, and a stop now would"
                        + " resume from the last snapshot that was saved%n", label, f, e.getMessage());
            }
            lastSave = clock.getAsLong();
            if (stopRequested.getAsBoolean()) {
                throw new Evaluation.Interrupted();
            }
            return;
        }
        lastSave = clock.getAsLong();
        saves++;
        afterSave.run();
        if (stopRequested.getAsBoolean()) {
            out.printf(Locale.ROOT, "%n%s: saved a snapshot of %s%s to resume from%n", label, name,
                    snapshot.values().containsKey("resume_point") ? " after " + snapshot.values().get("resume_point") : "");
            throw new Evaluation.Interrupted();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Snapshot load(String name) {
        Path f = file(name);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        SafeTensors.Contents c;
        try {
            c = SafeTensors.read(f);
        } catch (IOException e) {
            return discard(f, "it cannot be read (" + e.getMessage() + ")");
        }
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            return discard(f, "it is not a stage snapshot of this format");
        }
        if (!inputs.equals(meta.get("inputs"))) {
            return discard(f, "it was taken with other settings");
        }
        if (!build.equals(meta.get("build"))) {
            return discard(f, "build " + meta.get("build") + " took it and this is build " + build
                    + " (one stage's numbers never mix builds)");
        }
        if (!backend.description().equals(meta.get("backend"))) {
            return discard(f, "it was taken on " + meta.get("backend") + " and this run uses " + backend.description()
                    + " (other devices and thread counts round differently, so one stage's numbers never mix them)");
        }
        List<Object> positions = (List<Object>) Json.parse(meta.get("streams"));
        if (positions.size() != streams.size()) {
            return discard(f, "it records " + positions.size() + " random streams where this stage has " + streams.size());
        }
        for (int i = 0; i < streams.size(); i++) {
            streams.get(i).seek(Long.parseLong((String) positions.get(i)));
        }
        Map<String, String> values = new LinkedHashMap<>();
        ((Map<String, Object>) Json.parse(meta.get("values"))).forEach((k, v) -> values.put(k, (String) v));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> tensors.put(k, v.toTensor(backend)));
        resumedSeconds = Double.parseDouble(meta.get("seconds"));
        lastSave = clock.getAsLong();
        String point = values.get("resume_point");
        out.printf(Locale.ROOT, "%s: resuming %s from its snapshot%s (%s of this stage already computed)%n", label, name,
                point == null ? "" : " after " + point, ProgressBar.formatSeconds(resumedSeconds));
        return new Snapshot(tensors, values);
    }

    private Snapshot discard(Path f, String why) {
        out.printf(Locale.ROOT, "%s: starting again, not from the snapshot %s: %s%n", label, f.getFileName(), why);
        delete(f);
        return null;
    }

    /** The stage's compute seconds so far: those of the attempts before a resumed snapshot, plus this one's. */
    double seconds() {
        return resumedSeconds + (clock.getAsLong() - started) / 1e9;
    }

    /** Seconds the attempts before this one had computed (0 unless a snapshot was resumed). */
    double resumedSeconds() {
        return resumedSeconds;
    }

    /** How many snapshots this attempt saved. */
    int saves() {
        return saves;
    }

    /** Deletes every snapshot of the stage (it is finished). */
    void clear() throws IOException {
        String stage = stageFile.getFileName().toString().replaceFirst("\\.json$", "");
        if (!Files.isDirectory(stageFile.getParent())) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(stageFile.getParent(), stage + ".snapshot-*")) {
            for (Path p : files) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // The stage's result is saved; a snapshot left behind is never used again
                    // (its stage is skipped), so it is only reported.
                    out.printf(Locale.ROOT, "%s: could not delete the finished stage's snapshot %s (%s)%n", label, p, e.getMessage());
                }
            }
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // The stage runs again either way; a stale file is replaced by its next snapshot.
        }
    }
}
