package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Normalization;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.engine.tensor.TensorAssertions;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The PyTorch golden operator cases ({@code golden/ops.safetensors}, shipped in the engine's
 * test jar) computed on the cpu backend: outputs and every input gradient within
 * {@code 1e-4·(1 + max|expected|)}. Loss cases are left to the loss tests.
 */
class CpuGoldenOpsTest {

    private static final double TOLERANCE = 1e-4;
    private static final Backend CPU = new CpuBackend(2, VectorWidth.AUTO);
    private static final Set<String> LOSS_CASES =
            Set.of("kl_smooth_s0.25", "dcor2", "pearson_channels", "tv", "hsic_gauss_s1_s2", "mine_dv");
    private static final Map<String, Function<Case, Tensor>> OPS = new LinkedHashMap<>();

    static {
        OPS.put("maxpool2", c -> c.input("x").maxPool2d(2));
        OPS.put("avgpool2", c -> c.input("x").avgPool2d(2));
        OPS.put("adaptive_avg1", c -> c.input("x").adaptiveAvgPool1());
        OPS.put("adaptive_max1", c -> c.input("x").adaptiveMaxPool1());
        OPS.put("upsample_bilinear2", c -> c.input("x").upsample(UpsampleMode.BILINEAR, 2));
        OPS.put("upsample_nearest2", c -> c.input("x").upsample(UpsampleMode.NEAREST, 2));
        OPS.put("batchnorm_train", c -> {
            Tensor runningMean = c.constant("running_mean_before");
            Tensor runningVar = c.constant("running_var_before");
            Tensor y = Normalization.batchNorm(c.input("x"), c.input("gamma"), c.input("beta"),
                    runningMean, runningVar, true, 0.1f, 1e-5f);
            c.afterForward.put("running_mean_after", runningMean);
            c.afterForward.put("running_var_after", runningVar);
            return y;
        });
        OPS.put("batchnorm_eval", c -> Normalization.batchNorm(c.input("x"), c.input("gamma"), c.input("beta"),
                c.constant("running_mean"), c.constant("running_var"), false, 0.1f, 1e-5f));
        OPS.put("linear", c -> c.input("x").linear(c.input("w"), c.input("b")));
        OPS.put("relu", c -> c.input("x").relu());
        OPS.put("silu", c -> c.input("x").silu());
        OPS.put("sigmoid", c -> c.input("x").sigmoid());
        OPS.put("tanh", c -> c.input("x").tanh());
        OPS.put("log_softmax", c -> c.input("x").logSoftmax(1));
        OPS.put("softmax", c -> c.input("x").softmax(1));
        OPS.put("permute_0213", c -> c.input("x").permute(0, 2, 1, 3));
        OPS.put("permute_0321", c -> c.input("x").permute(0, 3, 2, 1));
    }

    private static SafeTensors.Contents golden;

    @BeforeAll
    static void load(@TempDir Path dir) throws IOException {
        // The file may sit inside the engine's test jar: copy it out, SafeTensors reads files.
        Path file = dir.resolve("ops.safetensors");
        try (InputStream in = CpuGoldenOpsTest.class.getResourceAsStream("/golden/ops.safetensors")) {
            assertNotNull(in, "golden/ops.safetensors must be on the test class path (engine test jar)");
            Files.copy(in, file);
        }
        golden = SafeTensors.read(file);
    }

    private static Function<Case, Tensor> definition(String name) {
        if (name.startsWith("convT_")) {
            return c -> {
                long[] meta = c.meta();
                return c.input("x").convTranspose2d(c.input("w"), c.input("b"), (int) meta[0], (int) meta[1], 0);
            };
        }
        if (name.startsWith("conv_")) {
            return c -> {
                long[] meta = c.meta();
                return c.input("x").conv2d(c.input("w"), c.input("b"), (int) meta[0], (int) meta[1], (int) meta[2]);
            };
        }
        return OPS.get(name);
    }

    private static List<String> caseNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : golden.tensors().keySet()) {
            names.add(key.substring(0, key.lastIndexOf('.')));
        }
        return new ArrayList<>(names);
    }

    @Test
    void everyOperatorCaseIsRun() {
        Set<String> uncovered = new TreeSet<>();
        for (String name : caseNames()) {
            if (!LOSS_CASES.contains(name) && definition(name) == null) {
                uncovered.add(name);
            }
        }
        assertTrue(uncovered.isEmpty(), "golden cases without a definition: " + uncovered);
        assertTrue(caseNames().stream().filter(n -> n.startsWith("conv_")).count() >= 6, "conv cases");
        assertTrue(caseNames().stream().filter(n -> n.startsWith("convT_")).count() >= 3, "convT cases");
    }

    @TestFactory
    Stream<DynamicTest> operatorMatchesPyTorchOnTheCpuBackend() {
        return caseNames().stream()
                .filter(name -> !LOSS_CASES.contains(name))
                .map(name -> DynamicTest.dynamicTest(name, () -> check(name)));
    }

    private static void check(String name) {
        Case c = new Case(name);
        Tensor out = definition(name).apply(c);
        assertEquals(CPU, out.backend(), name + " must run on the cpu backend");
        TensorAssertions.assertClose(name + ".out", c.stored("out"), out, TOLERANCE);
        for (Map.Entry<String, Tensor> e : c.afterForward.entrySet()) {
            TensorAssertions.assertClose(name + "." + e.getKey(), c.stored(e.getKey()), e.getValue(), TOLERANCE);
        }
        out.backward(c.stored("grad_out"));
        for (Map.Entry<String, Tensor> e : c.inputs.entrySet()) {
            Tensor grad = e.getValue().grad();
            assertNotNull(grad, name + ": no gradient reached input " + e.getKey());
            TensorAssertions.assertClose(name + ".grad_" + e.getKey(), c.stored("grad_" + e.getKey()), grad, TOLERANCE);
        }
    }

    /** The stored tensors of one case, uploaded to the cpu backend. */
    private static final class Case {
        final String name;
        final Map<String, Tensor> inputs = new LinkedHashMap<>();
        final Map<String, Tensor> afterForward = new LinkedHashMap<>();

        Case(String name) {
            this.name = name;
        }

        StoredTensor raw(String field) {
            StoredTensor t = golden.tensors().get(name + "." + field);
            if (t == null) {
                fail("golden file has no tensor " + name + "." + field);
            }
            return t;
        }

        Tensor stored(String field) {
            return raw(field).toTensor(CPU);
        }

        Tensor input(String field) {
            return inputs.computeIfAbsent(field, f -> stored(f).requiresGrad(true));
        }

        Tensor constant(String field) {
            return stored(field);
        }

        long[] meta() {
            return raw("meta").toLongs();
        }
    }
}
