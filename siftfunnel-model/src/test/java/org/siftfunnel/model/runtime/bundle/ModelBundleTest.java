package org.siftfunnel.model.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.inference.ModelSpec;
import org.siftfunnel.model.runtime.export.ModelExporter;
import org.siftfunnel.model.runtime.RuntimeFixtures;

class ModelBundleTest {
    @Test
    void exportSplitsTheStateDictAndTheManifestIdentifiesIt(@TempDir Path dir) throws IOException {
        ModelBundle bundle = RuntimeFixtures.export(dir, 16);
        SplitModel reference = Architectures.create("cnn", "siftfunnel", 1, 16, 10, new RandomSource(RuntimeFixtures.SEED));
        Set<String> edge = SafeTensors.read(bundle.file(Half.EDGE)).tensors().keySet();
        Set<String> cloud = SafeTensors.read(bundle.file(Half.CLOUD)).tensors().keySet();
        assertEquals(reference.edge().stateDict().keySet(), edge);
        assertEquals(reference.cloud().stateDict().keySet(), cloud);
        Set<String> union = new HashSet<>(edge);
        union.addAll(cloud);
        assertEquals(reference.stateDict().keySet(), union);
        assertTrue(edge.contains("block1.0.weight") && cloud.contains("fc.2.bias"), "released names, no prefix");

        byte[] manifestBytes = Files.readAllBytes(dir.resolve(ExportManifest.FILE_NAME));
        assertEquals(HexFormat.of().formatHex(ModelBundle.sha256().digest(manifestBytes)), bundle.modelIdHex());
        ExportManifest m = bundle.manifest();
        assertArrayEquals(new int[] {12, 4, 4}, m.featureShape());
        assertArrayEquals(new int[] {1, 16, 16}, m.inputShape());
        assertEquals(192, m.featureSize());
        assertEquals("cnn", m.arch());
        assertEquals(10, m.classNames().size());
    }

    @Test
    void loadedHalvesReproduceTheModel(@TempDir Path dir) throws IOException {
        ModelBundle bundle = RuntimeFixtures.export(dir, 16);
        SplitModel reference = Architectures.create("cnn", "siftfunnel", 1, 16, 10, new RandomSource(RuntimeFixtures.SEED)).eval();
        reference.to(RuntimeFixtures.backend());
        SplitModel both = bundle.loadBoth(RuntimeFixtures.backend());
        SplitModel edgeOnly = bundle.load(Half.EDGE, RuntimeFixtures.backend());
        Tensor x = RuntimeFixtures.testImages(bundle, 3);
        try (GradMode.Scope _ = GradMode.noGrad()) {
            assertArrayEquals(reference.forward(x).toArray(), both.forward(x).toArray());
            assertArrayEquals(reference.features(x).toArray(), edgeOnly.features(x).toArray());
        }
    }

    @Test
    void modelsOfEveryTrainedDefenseExportAndLoad(@TempDir Path dir) throws IOException {
        // Checkpoints and exports name the defense a model was trained with; its architecture follows from it.
        for (String defense : List.of("nopeek", "bido", "mid", "mid-head", "funnel", "siftfunnel-no-dcor")) {
            ModelSpec spec = new ModelSpec("cnn", defense, 1, 16, 10);
            SplitModel model = Defenses.architecture(defense, "cnn", spec.config(), new RandomSource(7)).eval();
            model.to(RuntimeFixtures.backend());
            Path out = dir.resolve(defense);
            ModelBundle bundle = ModelExporter.export(model, spec, Normalization.GREY, null, "test", out, false);
            ModelBundle reopened = ModelBundle.open(out);
            assertEquals(defense, reopened.manifest().defense());
            assertEquals(model.name(), reopened.manifest().model());
            SplitModel both = reopened.loadBoth(RuntimeFixtures.backend());
            Tensor x = RuntimeFixtures.testImages(bundle, 2);
            try (GradMode.Scope _ = GradMode.noGrad()) {
                assertArrayEquals(model.forward(x).toArray(), both.forward(x).toArray(), defense);
            }
        }
        assertEquals("cnn/mid", ModelBundle.open(dir.resolve("mid")).manifest().model());
        assertEquals("cnn/none", ModelBundle.open(dir.resolve("nopeek")).manifest().model());
        // An export written before the manifest named the model reads as arch/defense.
        Path old = dir.resolve("old");
        RuntimeFixtures.export(old, 16);
        Path manifest = old.resolve(ExportManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\\s*\"model\": \"[^\"]*\",", ""));
        assertFalse(Files.readString(manifest).contains("\"model\""));
        assertEquals("cnn/siftfunnel", ModelBundle.open(old).manifest().model());
        ModelBundle.open(old).loadBoth(RuntimeFixtures.backend());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("cnn", "nopeak", 1, 16, 10));
        assertTrue(e.getMessage().contains("nopeek") && e.getMessage().contains("mid-head"), e.getMessage());
    }

    @Test
    void theEdgeNeedsOnlyItsOwnFile(@TempDir Path dir) throws IOException {
        ModelBundle bundle = RuntimeFixtures.export(dir, 16);
        Files.delete(bundle.file(Half.CLOUD));
        ModelBundle reopened = ModelBundle.open(dir);
        reopened.load(Half.EDGE, RuntimeFixtures.backend());
        IOException e = assertThrows(IOException.class, () -> reopened.load(Half.CLOUD, RuntimeFixtures.backend()));
        assertTrue(e.getMessage().contains("cloud.safetensors") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aChangedHalfIsRefusedWithBothHashes(@TempDir Path dir) throws IOException {
        ModelBundle bundle = RuntimeFixtures.export(dir, 16);
        byte[] bytes = Files.readAllBytes(bundle.file(Half.EDGE));
        bytes[bytes.length - 1] ^= 1;
        Files.write(bundle.file(Half.EDGE), bytes);
        IOException e = assertThrows(IOException.class, () -> bundle.load(Half.EDGE, RuntimeFixtures.backend()));
        assertTrue(e.getMessage().contains("does not match the manifest's " + bundle.manifest().sha256(Half.EDGE)), e.getMessage());
        bundle.verify(Half.CLOUD); // the other half is untouched
    }

    @Test
    void malformedManifestsAndFoldersAreNamed(@TempDir Path dir) throws IOException {
        IOException none = assertThrows(IOException.class, () -> ModelBundle.open(dir.resolve("nope")));
        assertTrue(none.getMessage().contains("no such export folder"), none.getMessage());
        IOException empty = assertThrows(IOException.class, () -> ModelBundle.open(dir));
        assertTrue(empty.getMessage().contains("manifest.json"), empty.getMessage());
        RuntimeFixtures.export(dir, 16);
        Path file = dir.resolve(ExportManifest.FILE_NAME);
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"feature_shape\"", "\"feature_shapes\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelBundle.open(dir));
        assertTrue(e.getMessage().contains("feature_shape"), e.getMessage());
        Files.writeString(file, good.replace("siftfunnel-export-1", "something-else"));
        assertFalse(assertThrows(IllegalArgumentException.class, () -> ModelBundle.open(dir)).getMessage().isEmpty());
        IOException exists = assertThrows(IOException.class, () -> RuntimeFixtures.export(dir, 16));
        assertTrue(exists.getMessage().contains("already holds an export"), exists.getMessage());
    }
}
