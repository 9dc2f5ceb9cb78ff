package org.siftfunnel.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.StateDicts;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** The split abstraction: released names without prefixes, an edge that holds only edge weights, views kept in step. */
class SplitModelTest {
    private static Tensor input(int n, int channels, int size, long seed) {
        return Tensor.rand(Backends.getDefault(), new RandomSource(seed), -1f, 1f, n, channels, size, size);
    }

    @Test
    void edgeStateDictHoldsExactlyTheReleasedNamesBeforeUp() throws IOException {
        List<String> golden = new ArrayList<>();
        for (String key : GoldenFiles.siftFunnelCnn().tensors().keySet()) {
            if (key.startsWith("param.")) {
                golden.add(key.substring("param.".length()));
            }
        }
        int up = golden.indexOf("up.conv.0.weight");
        List<String> edgeNames = golden.subList(0, up);
        List<String> cloudNames = golden.subList(up, golden.size());

        SiftFunnelCnn model = new SiftFunnelCnn(ArchConfig.of(1, 32, 10), new RandomSource(1));
        assertEquals(edgeNames, new ArrayList<>(model.edge().stateDict().keySet()));
        assertEquals(edgeNames, new ArrayList<>(model.edgeStateDict().keySet()));
        assertEquals(cloudNames, new ArrayList<>(model.cloud().stateDict().keySet()));
        assertEquals(9202, model.edge().parameterCount());
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"cnn, none", "cnn, siftfunnel", "vgg16, none", "vgg16, siftfunnel", "resnet18, none", "resnet18, siftfunnel"})
    void modelStateDictIsTheEdgesThenTheCloudsWithoutPrefixes(String backbone, String variant) {
        SplitModel model = Models.shared(backbone, variant, 3, 32);
        List<String> all = new ArrayList<>(model.stateDict().keySet());
        List<String> edge = new ArrayList<>(model.edge().stateDict().keySet());
        List<String> cloud = new ArrayList<>(model.cloud().stateDict().keySet());
        List<String> joined = new ArrayList<>(edge);
        joined.addAll(cloud);
        assertEquals(joined, all);
        Set<String> overlap = new HashSet<>(edge);
        overlap.retainAll(cloud);
        assertEquals(Set.of(), overlap);
        for (String name : all) {
            assertFalse(name.startsWith("edge.") || name.startsWith("cloud."), name);
        }
        // The views share the split model's tensors (same storage), they do not copy them.
        Map<String, Tensor> params = model.namedParameters();
        model.edge().namedParameters().forEach((n, t) -> assertSame(params.get(n), t, n));
        model.cloud().namedParameters().forEach((n, t) -> assertSame(params.get(n), t, n));
    }

    @Test
    void forwardIsCloudOfEdgeAndFeaturesIsTheEdge() {
        SplitModel model = new SiftFunnelCnn(ArchConfig.of(3, 16, 4), new RandomSource(2)).eval();
        Tensor x = input(3, 3, 16, 7);
        try (GradMode.Scope _ = GradMode.noGrad()) {
            Tensor z = model.features(x);
            assertArrayEquals(z.toArray(), model.edge().forward(x).toArray());
            assertArrayEquals(model.cloud().forward(z).toArray(), model.forward(x).toArray());
            float[] zs = z.toArray();
            for (float v : zs) {
                assertTrue(v >= 0f, "Z is non-negative (the funnel ends in a ReLU and attention scales by (0, 1))");
            }
        }
    }

    @Test
    void exportedEdgeLoadsIntoAFreshEdgeAndGivesTheSameFeatures(@TempDir Path dir) throws IOException {
        SiftFunnelCnn trained = new SiftFunnelCnn(ArchConfig.of(1, 16, 3), new RandomSource(3));
        trained.eval();
        Path file = dir.resolve("edge.safetensors");
        trained.edge().save(file, Map.of("model", trained.name()));

        SiftFunnelCnn device = new SiftFunnelCnn(ArchConfig.of(1, 16, 3), new RandomSource(99));
        device.eval();
        Map<String, String> meta = device.edge().load(file);
        assertEquals("cnn/siftfunnel", meta.get("model"));
        assertEquals(new HashSet<>(trained.edge().stateDict().keySet()),
                StateDicts.read(file, "").keySet(), "the file holds the edge's names only");
        Tensor x = input(2, 1, 16, 4);
        try (GradMode.Scope _ = GradMode.noGrad()) {
            assertArrayEquals(trained.features(x).toArray(), device.features(x).toArray(), 0f);
        }
        // A full-model state dict does not load into the edge strictly: it has cloud names.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device.edge().loadStateDict(trained.stateDict(), true));
        assertTrue(e.getMessage().contains("up.conv.0.weight"), e.getMessage());
    }

    @Test
    void modeChangesReachBothStagesAndEveryBlock() {
        SplitModel model = new Classifier4(ArchConfig.of(1, 16, 2), new RandomSource(4));
        assertTrue(model.isTraining() && model.edge().isTraining() && model.cloud().isTraining());
        model.eval();
        assertFalse(model.edge().isTraining());
        assertFalse(model.cloud().isTraining());
        model.namedModules().values().forEach(m -> assertFalse(m.isTraining(), m.toString()));
        model.train();
        assertTrue(model.edge().isTraining() && model.cloud().isTraining());
        model.namedModules().values().forEach(m -> assertTrue(m.isTraining(), m.toString()));
        // An edge runtime may switch the edge alone.
        model.edge().eval();
        assertFalse(model.edge().namedModules().get("block1").isTraining());
        assertTrue(model.cloud().namedModules().get("block3").isTraining());
    }

    @Test
    void toBackendKeepsTheStagesSharingTheModelsTensors() {
        SplitModel model = new SiftFunnelCnn(ArchConfig.of(1, 16, 2), new RandomSource(5));
        assertSame(model, model.to(Backends.reference()));
        Map<String, Tensor> params = model.namedParameters();
        model.edge().namedParameters().forEach((n, t) -> assertSame(params.get(n), t, n));
        model.cloud().namedBuffers().forEach((n, t) -> assertSame(model.namedBuffers().get(n), t, n));
    }

    @Test
    void wrongInputShapeIsRejectedWithTheExpectedShape() {
        SplitModel model = new SiftFunnelCnn(ArchConfig.of(1, 32, 10), new RandomSource(6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(input(1, 3, 32, 1)));
        assertTrue(e.getMessage().contains("expected input [N, 1, 32, 32]") && e.getMessage().contains("[1, 3, 32, 32]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.features(input(1, 1, 16, 1)));
    }

    @Test
    void aNameInBothStagesIsRejected() {
        RandomSource rng = new RandomSource(7);
        Stage edge = new Stage().add("fc", new Linear(4, 4, rng));
        Stage cloud = new Stage().add("fc", new Linear(4, 2, rng)).add("relu", new ReLU());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SplitModel("bad", ArchConfig.of(1, 16, 2), edge, cloud, new int[] {4, 1, 1}));
        assertTrue(e.getMessage().contains("'fc' is already registered"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new SplitModel("bad", ArchConfig.of(1, 16, 2), new Stage(), new Stage(), new int[] {4, 1}));
    }

    @Test
    void featureShapeIsACopy() {
        SplitModel model = new SiftFunnelCnn(ArchConfig.of(1, 32, 10), new RandomSource(8));
        model.featureShape()[0] = 99;
        assertArrayEquals(new int[] {12, 8, 8}, model.featureShape());
        assertEquals(768, model.featureSize());
    }
}
