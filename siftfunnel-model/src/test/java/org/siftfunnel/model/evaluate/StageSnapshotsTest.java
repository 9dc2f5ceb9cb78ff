package org.siftfunnel.model.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class StageSnapshotsTest {
    private static final Backend BACKEND = Backends.getDefault();
    private static final Map<String, Object> INPUTS = Map.of("entry", "noise", "seed", 1);

    private final AtomicLong clock = new AtomicLong();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private StageSnapshots store(Path dir, Map<String, Object> inputs, String build, double interval) {
        return new StageSnapshots(dir.resolve("state/seed1/noise/attack-blackbox.json"), inputs, build, BACKEND, interval,
                new PrintStream(log, true, StandardCharsets.UTF_8), "seed 1 · noise · attack:blackbox", clock::get);
    }

    private static Snapshots.Snapshot sample() {
        return new Snapshots.Snapshot(Map.of("decoder.weight", Tensor.of(new float[] {1.5f, -2f, 3.25f}, 3)),
                Map.of("resume_point", "epoch 4/10", "best_score", Double.toString(Double.POSITIVE_INFINITY), "curve", "0.1,0.2,0.01"));
    }

    private String printed() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSnapshotComesBackWithItsStreamsAndSecondsForTheSameStageAndBuild(@TempDir Path dir) throws IOException {
        StageSnapshots first = store(dir, INPUTS, "abc123", 0);
        RandomSource noise = new RandomSource(5);
        first.track(noise);
        noise.reserve(1234);
        clock.set(30_000_000_000L);
        first.save("decoder", sample());
        assertEquals(1, first.saves());
        Path file = first.file("decoder");
        assertEquals("attack-blackbox.snapshot-decoder.safetensors", file.getFileName().toString());
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "the temporary file it was written through is gone");
        }

        // A later attempt: a fresh stream at its start, 5 s of its own before it loads.
        clock.set(100_000_000_000L);
        StageSnapshots second = store(dir, INPUTS, "abc123", 0);
        RandomSource fresh = new RandomSource(5);
        second.track(fresh);
        clock.addAndGet(5_000_000_000L);
        Snapshots.Snapshot back = second.load("decoder");
        assertEquals(1234, fresh.position(), "the stream is put back where the snapshot left it");
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, back.tensor("decoder.weight").toArray());
        assertEquals(sample().values(), back.values());
        assertEquals(Double.POSITIVE_INFINITY, Double.parseDouble(back.value("best_score")));
        assertEquals(30.0, second.resumedSeconds(), 1e-9);
        assertEquals(35.0, second.seconds(), 1e-9, "the earlier attempt's 30 s and this one's 5 s");
        assertTrue(printed().contains("seed 1 · noise · attack:blackbox: resuming decoder from its snapshot after epoch 4/10 "
                + "(30.0s of this stage already computed)"), printed());
        assertThrows(IllegalStateException.class, () -> back.value("missing"));

        second.clear();
        assertFalse(Files.exists(file));
        assertNull(store(dir, INPUTS, "abc123", 0).load("decoder"), "nothing to resume once the stage is finished");
    }

    @Test
    void snapshotsOfOtherSettingsOrOtherBuildsAreDiscarded(@TempDir Path dir) throws IOException {
        store(dir, INPUTS, "abc123", 0).save("decoder", sample());
        assertNull(store(dir, Map.of("entry", "noise", "seed", 2), "abc123", 0).load("decoder"));
        assertTrue(printed().contains("starting again, not from the snapshot attack-blackbox.snapshot-decoder.safetensors: "
                + "it was taken with other settings"), printed());
        assertFalse(Files.exists(store(dir, INPUTS, "abc123", 0).file("decoder")), "a stale snapshot is deleted");

        store(dir, INPUTS, "abc123", 0).save("decoder", sample());
        assertNull(store(dir, INPUTS, "def456", 0).load("decoder"));
        assertTrue(printed().contains("build abc123 took it and this is build def456"), printed());

        StageSnapshots elsewhere = new StageSnapshots(dir.resolve("state/seed1/noise/attack-blackbox.json"), INPUTS, "abc123",
                Backends.reference(), 0, new PrintStream(log, true, StandardCharsets.UTF_8),
                "seed 1 · noise · attack:blackbox", clock::get);
        if (!elsewhere.file("decoder").equals(store(dir, INPUTS, "abc123", 0).file("decoder"))
                || BACKEND.description().equals(Backends.reference().description())) {
            throw new AssertionError("the test needs two backends that describe themselves differently");
        }
        store(dir, INPUTS, "abc123", 0).save("decoder", sample());
        assertNull(elsewhere.load("decoder"), "a snapshot of another backend");
        assertTrue(printed().contains("and this run uses " + Backends.reference().description()),
                printed());

        StageSnapshots withStream = store(dir, INPUTS, "abc123", 0);
        withStream.track(new RandomSource(1));
        withStream.save("decoder", sample());
        assertNull(store(dir, INPUTS, "abc123", 0).load("decoder"), "a stage with another set of streams");
        assertTrue(printed().contains("it records 1 random streams where this stage has 0"), printed());

        Path file = store(dir, INPUTS, "abc123", 0).file("decoder");
        Files.writeString(file, "not a safetensors file");
        assertNull(store(dir, INPUTS, "abc123", 0).load("decoder"));
        assertTrue(printed().contains("it cannot be read"), printed());
    }

    @Test
    void aStopRequestMakesASnapshotDueAtOnceAndEndsTheStageAfterSavingIt(@TempDir Path dir) throws IOException {
        StageSnapshots s = store(dir, INPUTS, "abc123", 3600);
        boolean[] stop = {false};
        s.stopWhen(() -> stop[0]);
        assertFalse(s.inUse());
        assertFalse(s.due());
        assertTrue(s.inUse(), "the computation asked: it keeps snapshots");
        stop[0] = true;
        assertTrue(s.due(), "a stop does not wait for the interval");
        assertThrows(Evaluation.Interrupted.class, () -> s.save("decoder", sample()));
        assertTrue(Files.isRegularFile(s.file("decoder")), "written before the stage ends");
        assertTrue(printed().contains("seed 1 · noise · attack:blackbox: saved a snapshot of decoder after epoch 4/10 to resume from"),
                printed());
    }

    @Test
    void aSnapshotThatCannotBeWrittenIsReportedAndTheStageGoesOn(@TempDir Path dir) throws IOException {
        StageSnapshots s = store(dir, INPUTS, "abc123", 0);
        s.save("decoder", sample());
        // A directory in the snapshot's place makes the atomic move fail, as a full disk would fail the write.
        Path file = s.file("decoder");
        Files.delete(file);
        Files.createDirectories(file.resolve("blocker"));
        s.save("decoder", sample());
        s.save("decoder", sample());
        assertEquals(1, s.saves(), "only the first save was written");
        String text = printed();
        assertTrue(text.contains("could not save a snapshot to " + file), text);
        assertEquals(text.indexOf("could not save"), text.lastIndexOf("could not save"), "said once: " + text);
        assertNull(store(dir, INPUTS, "abc123", 0).load("decoder"), "nothing readable to resume from");
        s.clear();
        assertTrue(printed().contains("could not delete the finished stage's snapshot"), "the stage's result is saved: only reported");
    }

    @Test
    void aSnapshotIsDueOnlyAfterTheInterval(@TempDir Path dir) {
        StageSnapshots s = store(dir, INPUTS, "abc123", 60);
        clock.set(59_000_000_000L);
        assertFalse(s.due());
        clock.set(60_000_000_000L);
        assertTrue(s.due());
        s.save("decoder", sample());
        assertFalse(s.due(), "the interval counts from the last save");
        clock.addAndGet(60_000_000_000L);
        assertTrue(s.due());
        assertTrue(store(dir, INPUTS, "abc123", 0).due(), "interval 0: whenever the attack offers one");
        assertThrows(IllegalArgumentException.class, () -> store(dir, INPUTS, "abc123", -1));
    }
}
