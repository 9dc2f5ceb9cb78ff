package org.siftfunnel.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.DType;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;

class ModelLoaderTest {
    private static final Backend REF = Backends.reference();

    /** A model's state dict as a file would hold it, each name with {@code prefix} in front. */
    private static LinkedHashMap<String, StoredTensor> stored(SplitModel model, String prefix) {
        LinkedHashMap<String, StoredTensor> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(prefix + k, StoredTensor.of(v)));
        return out;
    }

    private static Map<String, float[]> values(SplitModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    private static void assertSameState(Map<String, float[]> expected, SplitModel model) {
        Map<String, float[]> got = values(model);
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, got.get(k), k));
    }

    @Test
    void loadsEveryParameterAndBufferFromAnotherModelsStateDict() {
        SplitModel source = InferenceFixtures.tinyModel(21);
        SplitModel target = InferenceFixtures.tinyModel(22).to(REF);
        LoadReport report = ModelLoader.loadInto(target, stored(source, ""), "", REF);
        assertTrue(report.loadable());
        assertEquals(List.of(), report.extra());
        assertSameState(values(source), target);
    }

    @Test
    void reportsMissingMisshapenAndExtraTensorsAndIgnoresBatchCounters() {
        SplitModel model = InferenceFixtures.tinyModel(21);
        LinkedHashMap<String, StoredTensor> file = stored(model, "");
        file.remove("fc.2.bias");
        file.put("block1.0.weight", StoredTensor.ofFloats(new float[4], 2, 2));
        file.put("block1.1.num_batches_tracked", StoredTensor.ofLongs(new long[] {3}, 1));
        file.put("head.extra", StoredTensor.ofFloats(new float[1], 1));
        LoadReport report = ModelLoader.compare(model, file, "");
        assertEquals(1, report.missing().size());
        assertEquals("fc.2.bias", report.missing().get(0).name());
        assertArrayEquals(new int[] {3}, report.missing().get(0).expected());
        assertNull(report.missing().get(0).found());
        assertEquals(1, report.misshapen().size());
        assertEquals("block1.0.weight", report.misshapen().get(0).name());
        assertArrayEquals(new int[] {2, 2}, report.misshapen().get(0).found());
        assertEquals(List.of("head.extra"), report.extra());
        assertEquals("tensor 'block1.0.weight' has shape [2, 2] but the model expects " + java.util.Arrays.toString(
                model.stateDict().get("block1.0.weight").shape()) + "; missing tensor 'fc.2.bias' (model expects shape [3])",
                report.describeProblems(""));
    }

    @Test
    void aFailedLoadChangesNothing() {
        SplitModel target = InferenceFixtures.tinyModel(22).to(REF);
        Map<String, float[]> before = values(target);
        LinkedHashMap<String, StoredTensor> file = stored(InferenceFixtures.tinyModel(21), "");
        file.remove("fc.2.weight");
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> ModelLoader.loadInto(target, file, "", REF));
        assertTrue(e.getMessage().startsWith("missing tensor 'fc.2.weight'"), e.getMessage());
        assertEquals(1, e.report().missing().size());
        assertSameState(before, target);
    }

    @Test
    void aPrefixSelectsTensorsAndOtherNamesAreIgnoredSilently() {
        SplitModel source = InferenceFixtures.tinyModel(21);
        LinkedHashMap<String, StoredTensor> file = stored(source, "param.");
        file.put("input", StoredTensor.ofFloats(new float[256], 1, 1, 16, 16));
        file.put("param.unused", StoredTensor.ofFloats(new float[1], 1));
        SplitModel target = InferenceFixtures.tinyModel(22).to(REF);
        LoadReport report = ModelLoader.loadInto(target, file, "param.", REF);
        assertEquals(List.of("param.unused"), report.extra());
        assertSameState(values(source), target);
    }

    @Test
    void otherFloatingTypesAreConvertedToFloat32() {
        SplitModel source = InferenceFixtures.tinyModel(21);
        LinkedHashMap<String, StoredTensor> file = stored(source, "");
        // Store one weight as float64, as a state dict saved from a double-precision model would.
        StoredTensor w = file.get("fc.2.weight");
        float[] v = w.toFloats();
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putDouble(f);
        }
        file.put("fc.2.weight", new StoredTensor(DType.F64, w.shape(), b.array()));
        SplitModel target = InferenceFixtures.tinyModel(22).to(REF);
        ModelLoader.loadInto(target, file, "", REF);
        assertSameState(values(source), target);
    }

    @Test
    void whenNothingMatchesTheMessageNamesThePrefixThatWould() {
        SplitModel model = InferenceFixtures.tinyModel(21).to(REF);
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> ModelLoader.loadInto(model, stored(model, "module."), "", REF));
        assertEquals(model.stateDict().size(), e.report().missing().size());
        assertTrue(e.getMessage().endsWith("is found as 'module.block1.0.weight': use the prefix 'module.'"), e.getMessage());

        e = assertThrows(WeightsMismatchException.class,
                () -> ModelLoader.loadInto(model, Map.of("encoder.weight", StoredTensor.ofFloats(new float[1], 1)), "", REF));
        assertTrue(e.getMessage().contains("(it has 1 tensors, such as [encoder.weight]): weights of another architecture?"),
                e.getMessage());
    }

    @Test
    void loadBuildsTheSpecsModelOnTheBackendAndNamesFileAndModelInErrors() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("weights", ".safetensors");
        try {
            SplitModel source = InferenceFixtures.tinyModel(23);
            InferenceFixtures.write(file, stored(source, ""));
            ModelLoader.LoadedModel loaded = ModelLoader.load(InferenceFixtures.TINY, WeightsFile.open(file), "", REF);
            assertEquals("cnn/none", loaded.model().name());
            assertEquals(REF, loaded.model().parameters().get(0).backend());
            assertSameState(values(source), loaded.model());

            ModelSpec moreClasses = new ModelSpec("cnn", "none", 1, 16, 4);
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                    () -> ModelLoader.load(moreClasses, WeightsFile.open(file), "", REF));
            assertTrue(e.getMessage().startsWith(file + " does not fit cnn/none (input 1×16×16, 4 classes): tensor '"), e.getMessage());
            assertTrue(e.getMessage().contains("tensor 'fc.2.bias' has shape [3] but the model expects [4]"), e.getMessage());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void theGoldenStateDictFillsThePapersSiftFunnelCnn() throws Exception {
        ModelSpec spec = new ModelSpec("cnn", "siftfunnel", 1, 32, 10);
        ModelLoader.LoadedModel loaded = ModelLoader.load(spec, WeightsFile.open(InferenceFixtures.goldenFile()), "param.", REF);
        assertEquals(List.of(), loaded.report().extra());
        Tensor w = loaded.model().stateDict().get("fc.2.bias");
        assertArrayEquals(InferenceFixtures.golden().require("param.fc.2.bias").toFloats(), w.toArray());
    }
}
