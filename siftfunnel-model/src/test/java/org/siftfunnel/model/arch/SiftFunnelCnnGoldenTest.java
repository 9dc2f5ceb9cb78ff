package org.siftfunnel.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.nn.StateDicts;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.SiftFunnelObjective;

/**
 * The acceptance test: the SiftFunnel CNN with PyTorch's weights reproduces PyTorch's
 * features, log-probabilities, loss terms, every parameter gradient and the BatchNorm running
 * statistics after one training-mode forward/backward (golden/README.md), on the reference
 * backend and on the default (fast) backend, within the tolerance of {@link GoldenFiles}.
 */
class SiftFunnelCnnGoldenTest {
    private static final ArchConfig CONFIG = ArchConfig.of(1, 32, 10).withDropout(0f);

    private static SiftFunnelCnn loadedModel(Backend backend) throws IOException {
        SiftFunnelCnn model = new SiftFunnelCnn(CONFIG, new RandomSource(11));
        model.to(backend);
        List<String> ignored = model.loadStateDict(StateDicts.toTensors(GoldenFiles.siftFunnelCnn(), "param.", backend), true);
        assertEquals(List.of(), ignored);
        return model;
    }

    private static Tensor golden(String name, Backend backend) throws IOException {
        return GoldenFiles.siftFunnelCnn().require(name).toTensor(backend);
    }

    private static void assertGolden(String name, Tensor got) throws IOException {
        StoredTensor expected = GoldenFiles.siftFunnelCnn().require(name);
        GoldenFiles.assertClose(name, expected.toFloats(), expected.shape(), got);
    }

    @Test
    void goldenFileSettingsAreTheOnesThisTestUses() throws IOException {
        Map<String, String> meta = GoldenFiles.siftFunnelCnn().metadata();
        assertEquals("1", meta.get("channels"));
        assertEquals("32", meta.get("image_size"));
        assertEquals("10", meta.get("classes"));
        assertEquals("64", meta.get("ndf"));
        SiftFunnelObjective paper = SiftFunnelObjective.paperDefaults();
        assertEquals(paper.alpha(), Float.parseFloat(meta.get("alpha")));
        assertEquals(paper.beta(), Float.parseFloat(meta.get("beta")));
        assertEquals(paper.gamma(), Float.parseFloat(meta.get("gamma")));
        assertEquals(paper.l1Weight(), Float.parseFloat(meta.get("l1")));
        assertEquals(paper.smoothing(), Float.parseFloat(meta.get("smoothing")));
        assertEquals(Long.parseLong(meta.get("edge_params")), new SiftFunnelCnn(CONFIG, new RandomSource(1)).edge().parameterCount());
    }

    @Test
    void everyGoldenParameterNameIsAModelNameAndBack() throws IOException {
        SafeTensors.Contents golden = GoldenFiles.siftFunnelCnn();
        List<String> goldenNames = new ArrayList<>();
        for (String key : golden.tensors().keySet()) {
            if (key.startsWith("param.")) {
                goldenNames.add(key.substring("param.".length()));
            }
        }
        SiftFunnelCnn model = new SiftFunnelCnn(CONFIG, new RandomSource(1));
        assertEquals(goldenNames, new ArrayList<>(model.stateDict().keySet()), "state-dict names and order");
    }

    /** The reference backend (the oracle) and the default one when it differs (the fast CPU kernels). */
    static Stream<String> backends() {
        Backend fast = Backends.getDefault();
        return fast.name().equals("reference") ? Stream.of("reference") : Stream.of("reference", fast.name());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void evalModeFeaturesAndLogProbabilitiesMatchPyTorch(String device) throws IOException {
        Backend be = Backends.get(device);
        SiftFunnelCnn model = loadedModel(be);
        model.eval();
        Tensor x = golden("input", be);
        try (GradMode.Scope _ = GradMode.noGrad()) {
            Tensor z = model.features(x);
            assertGolden("eval.features", z);
            assertGolden("eval.log_probs", model.cloud().forward(z));
            assertGolden("eval.log_probs", model.forward(x));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void trainingStepMatchesPyTorchLossTermsGradientsAndRunningStatistics(String device) throws IOException {
        Backend be = Backends.get(device);
        SiftFunnelCnn model = loadedModel(be);
        model.train();
        Tensor x = golden("input", be);
        Tensor labels = golden("labels", be);
        Tensor z = model.features(x);
        Tensor logProbs = model.cloud().forward(z);
        LossTerms loss = SiftFunnelObjective.paperDefaults().evaluate(x, z, logProbs, labels);
        loss.total().backward();

        assertGolden("train.features", z);
        assertGolden("train.log_probs", logProbs);
        for (String term : List.of("task", "dcor2", "l1", "pearson")) {
            assertGolden("train.loss." + term, loss.term(term));
        }
        assertGolden("train.loss.total", loss.total());

        LinkedHashMap<String, Tensor> params = model.namedParameters();
        int gradients = 0;
        for (Map.Entry<String, Tensor> p : params.entrySet()) {
            assertGolden("train.grad." + p.getKey(), p.getValue().grad());
            gradients++;
        }
        int buffers = 0;
        for (Map.Entry<String, Tensor> b : model.namedBuffers().entrySet()) {
            assertGolden("train.after." + b.getKey(), b.getValue());
            buffers++;
        }
        assertEquals(countGolden("train.grad."), gradients, "every golden gradient checked");
        assertEquals(countGolden("train.after."), buffers, "every golden running statistic checked");
    }

    private static long countGolden(String prefix) throws IOException {
        return GoldenFiles.siftFunnelCnn().tensors().keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }
}
