package org.siftfunnel.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;

/**
 * Every operator case of the PyTorch golden file {@code golden/ops.safetensors} through Tensor
 * ops with every tensor on the backend under test: the output and every input gradient for the
 * stored upstream gradient must match within {@code 1e-4 · (1 + max|expected|)}, and outputs
 * and gradients must stay on that backend. The loss cases of the same file are tested with the
 * losses.
 *
 * <p>Like {@code BackendConformanceTest}, this ships in the engine's test-jar: each backend's
 * module subclasses it and returns its backend from {@link #backendUnderTest()} (which may skip
 * the class through an assumption, as OpenCL does without a platform).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GoldenOpsConformanceTest {
    private static final double TOL = 1e-4;
    /** Scalar-loss cases, covered by the loss tests. */
    private static final Set<String> LOSS_CASES =
            Set.of("kl_smooth_s0.25", "dcor2", "pearson_channels", "tv", "hsic_gauss_s1_s2", "mine_dv");

    /** How to compute one case from its stored tensors. */
    private static final Map<String, Function<GoldenCase, Tensor>> OPS = new LinkedHashMap<>();

    static {
        OPS.put("maxpool2", c -> c.input("x").maxPool2d(2));
        OPS.put("avgpool2", c -> c.input("x").avgPool2d(2));
        OPS.put("adaptive_avg1", c -> c.input("x").adaptiveAvgPool1());
        OPS.put("adaptive_max1", c -> c.input("x").adaptiveMaxPool1());
        OPS.put("upsample_bilinear2", c -> c.input("x").upsample(UpsampleMode.BILINEAR, 2));
        OPS.put("upsample_nearest2", c -> c.input("x").upsample(UpsampleMode.NEAREST, 2));
        OPS.put("batchnorm_train", GoldenOpsConformanceTest::batchNormTrain);
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

    private SafeTensors.Contents golden;
    private Backend backend;

    /** The backend to check; called once per test class. */
    protected abstract Backend backendUnderTest();

    @BeforeAll
    void load(@TempDir Path dir) throws IOException {
        backend = backendUnderTest();
        assertNotNull(backend, "backendUnderTest() returned null");
        // The file may sit inside the engine's test-jar; SafeTensors reads files, so copy it out.
        Path file = dir.resolve("ops.safetensors");
        try (InputStream in = GoldenOpsConformanceTest.class.getResourceAsStream("/golden/ops.safetensors")) {
            assertNotNull(in, "golden/ops.safetensors must be on the test class path (engine test-jar)");
            Files.copy(in, file);
        }
        golden = SafeTensors.read(file);
    }

    private static Function<GoldenCase, Tensor> definition(String name) {
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

    private static Tensor batchNormTrain(GoldenCase c) {
        Tensor runningMean = c.constant("running_mean_before");
        Tensor runningVar = c.constant("running_var_before");
        Tensor y = Normalization.batchNorm(c.input("x"), c.input("gamma"), c.input("beta"),
                runningMean, runningVar, true, 0.1f, 1e-5f);
        c.expectAfterForward("running_mean_after", runningMean);
        c.expectAfterForward("running_var_after", runningVar);
        return y;
    }

    /** Case names in file order: the prefix before the last dot of each tensor name. */
    private List<String> caseNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : golden.tensors().keySet()) {
            names.add(key.substring(0, key.lastIndexOf('.')));
        }
        return new ArrayList<>(names);
    }

    @Test
    void everyCaseOfTheFileIsCovered() {
        Set<String> uncovered = new TreeSet<>();
        for (String name : caseNames()) {
            if (!LOSS_CASES.contains(name) && definition(name) == null) {
                uncovered.add(name);
            }
        }
        assertTrue(uncovered.isEmpty(), "golden cases without a definition here: " + uncovered);
        assertTrue(caseNames().containsAll(OPS.keySet()), "definitions for cases missing from the file: " + OPS.keySet());
        assertTrue(caseNames().stream().filter(n -> n.startsWith("conv_")).count() >= 6, "conv cases");
        assertTrue(caseNames().stream().filter(n -> n.startsWith("convT_")).count() >= 3, "convT cases");
    }

    @TestFactory
    Stream<DynamicTest> operatorMatchesPyTorch() {
        return caseNames().stream()
                .filter(name -> !LOSS_CASES.contains(name))
                .map(name -> DynamicTest.dynamicTest(name, () -> check(name)));
    }

    private void check(String name) {
        Function<GoldenCase, Tensor> op = definition(name);
        assertNotNull(op, "no definition for golden case " + name);
        GoldenCase c = new GoldenCase(name);
        Tensor out = op.apply(c);
        assertSame(backend, out.backend(), name + ": the output must stay on the " + backend.name() + " backend");
        TensorAssertions.assertClose(name + ".out", c.stored("out"), out, TOL);
        for (Map.Entry<String, Tensor> e : c.afterForward.entrySet()) {
            TensorAssertions.assertClose(name + "." + e.getKey(), c.stored(e.getKey()), e.getValue(), TOL);
        }
        out.backward(c.stored("grad_out"));
        Set<String> storedGrads = new TreeSet<>();
        for (String key : golden.tensors().keySet()) {
            if (key.startsWith(name + ".grad_") && !key.equals(name + ".grad_out")) {
                storedGrads.add(key.substring(name.length() + 1 + "grad_".length()));
            }
        }
        assertEquals(storedGrads, new TreeSet<>(c.inputs.keySet()),
                name + ": every stored input gradient must be checked, and only those");
        for (Map.Entry<String, Tensor> e : c.inputs.entrySet()) {
            Tensor grad = e.getValue().grad();
            assertNotNull(grad, name + ": no gradient reached input " + e.getKey());
            assertSame(backend, grad.backend(), name + ": gradients must stay on the " + backend.name() + " backend");
            TensorAssertions.assertClose(name + ".grad_" + e.getKey(), c.stored("grad_" + e.getKey()), grad, TOL);
        }
    }

    /** The stored tensors of one case on the backend under test, and the inputs the op asked for. */
    private final class GoldenCase {
        final String name;
        final Map<String, Tensor> inputs = new LinkedHashMap<>();
        final Map<String, Tensor> afterForward = new LinkedHashMap<>();

        GoldenCase(String name) {
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
            return raw(field).toTensor(backend);
        }

        /** A differentiable input whose gradient is compared with {@code grad_<field>}. */
        Tensor input(String field) {
            return inputs.computeIfAbsent(field, f -> stored(f).requiresGrad(true));
        }

        /** A tensor that takes no gradient (running statistics). */
        Tensor constant(String field) {
            return stored(field);
        }

        long[] meta() {
            return raw("meta").toLongs();
        }

        void expectAfterForward(String field, Tensor actual) {
            afterForward.put(field, actual);
        }
    }
}
