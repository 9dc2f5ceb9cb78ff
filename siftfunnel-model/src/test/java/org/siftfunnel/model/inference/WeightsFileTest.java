package org.siftfunnel.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.model.train.Checkpoints;

class WeightsFileTest {
    @TempDir
    Path dir;

    @Test
    void aPlainStateDictIsNotACheckpoint() throws IOException {
        Path file = InferenceFixtures.write(dir.resolve("w.safetensors"), Map.of("fc.weight", StoredTensor.ofFloats(new float[2], 1, 2)));
        // A JSON file next to it that does not describe a model is not read as checkpoint metadata.
        Files.writeString(dir.resolve("w.json"), "{\"comment\": \"exported by hand\"}");
        WeightsFile w = WeightsFile.open(file);
        assertFalse(w.isCheckpoint());
        assertNull(w.checkpoint());
        assertEquals(file, w.file());
        assertEquals(1, w.contents().tensors().size());
    }

    @Test
    void aRunFolderOrItsCheckpointsFolderMeansTheBestCheckpoint() throws IOException {
        Path run = dir.resolve("run");
        Path best = InferenceFixtures.saveCheckpoint(run, "best", InferenceFixtures.tinyModel(1));
        InferenceFixtures.saveCheckpoint(run, "last", InferenceFixtures.tinyModel(2));
        assertEquals(best, WeightsFile.open(run).file());
        assertEquals(best, WeightsFile.open(Checkpoints.dir(run)).file());
    }

    @Test
    void aCheckpointsSidecarGivesTheModelTheNormalisationAndTheClassNames() throws IOException {
        Path file = InferenceFixtures.saveCheckpoint(dir.resolve("run"), "last", InferenceFixtures.tinyModel(1));
        CheckpointInfo info = WeightsFile.open(file).checkpoint();
        assertEquals(InferenceFixtures.TINY, info.spec());
        assertEquals(InferenceFixtures.TINY_NORMALIZATION, info.normalization());
        assertEquals(InferenceFixtures.TINY_CLASSES, info.classNames());
        assertEquals(Checkpoints.dir(dir.resolve("run")).resolve("last.json"), info.source());
    }

    @Test
    void withoutItsSidecarACheckpointIsDescribedByItsHeader() throws IOException {
        Path file = InferenceFixtures.saveCheckpoint(dir.resolve("run"), "best", InferenceFixtures.tinyModel(1));
        Path copy = Files.copy(file, dir.resolve("copied.safetensors"));
        CheckpointInfo info = WeightsFile.open(copy).checkpoint();
        assertEquals(InferenceFixtures.TINY, info.spec());
        assertNull(info.normalization());
        assertNull(info.classNames());
        assertEquals(copy, info.source());
    }

    @Test
    void aFolderWithoutABestCheckpointListsTheWeightsFilesThere() throws IOException {
        Path run = dir.resolve("run");
        InferenceFixtures.saveCheckpoint(run, "interrupted", InferenceFixtures.tinyModel(1));
        IOException e = assertThrows(IOException.class, () -> WeightsFile.open(run));
        assertTrue(e.getMessage().contains("not a run folder with a best checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains(Checkpoints.dir(run).resolve("interrupted.safetensors").toString()), e.getMessage());
    }

    @Test
    void malformedCheckpointMetadataNamesTheFileAndTheKey() throws IOException {
        Path file = InferenceFixtures.saveCheckpoint(dir.resolve("run"), "best", InferenceFixtures.tinyModel(1));
        Path json = Checkpoints.dir(dir.resolve("run")).resolve("best.json");
        Files.writeString(json, "{\"arch\": \"cnn\", \"defense\": \"none\", \"channels\": 1, \"image_size\": 16, \"classes\": \"three\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightsFile.open(file));
        assertEquals(json + ": checkpoint metadata: 'classes' must be an integer, got three", e.getMessage());

        Files.writeString(json, "{\"arch\": \"mlp\", \"defense\": \"none\", \"channels\": 1, \"image_size\": 16, \"classes\": 3}");
        e = assertThrows(IllegalArgumentException.class, () -> WeightsFile.open(file));
        assertTrue(e.getMessage().startsWith(json + ": checkpoint metadata: unknown arch 'mlp'"), e.getMessage());

        Files.writeString(json, "{\"arch\": ");
        IOException io = assertThrows(IOException.class, () -> WeightsFile.open(file));
        assertTrue(io.getMessage().startsWith(json + ": corrupt checkpoint metadata"), io.getMessage());
    }

    @Test
    void missingAndInvalidFilesAreNamed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> WeightsFile.open(dir.resolve("none.safetensors")));
        assertEquals(dir.resolve("none.safetensors") + ": no such weights file", e.getMessage());
        Path text = Files.writeString(dir.resolve("w.safetensors"), "not tensors");
        e = assertThrows(IOException.class, () -> WeightsFile.open(text));
        assertTrue(e.getMessage().startsWith(text + ": not a valid safetensors file"), e.getMessage());
        assertFalse(e.getMessage().contains("pth_to_safetensors"), e.getMessage());
    }
}
