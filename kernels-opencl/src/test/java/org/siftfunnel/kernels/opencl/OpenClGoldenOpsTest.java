package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Normalization;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.engine.tensor.TensorAssertions;

/**
 * PyTorch's golden values ({@code golden/ops.safetensors} from the engine's test-jar) through
 * Tensor ops with every tensor on the OpenCL device: every convolution and transposed
 * convolution case, batch norm (training, with running statistics, and eval), log-softmax and
 * softmax, pooling, upsampling, linear and the permutes of triplet attention. Outputs and input
 * gradients must match within the engine's golden tolerance, 1e-4·(1 + max|expected|).
 */
class OpenClGoldenOpsTest {
    private static final double TOL = 1e-4;
    private static SafeTensors.Contents golden;
    private static OpenClBackend backend;

    private static final Map<String, Function<Case, Tensor>> OPS = new LinkedHashMap<>();

    static {
        OPS.put("batchnorm_train", OpenClGoldenOpsTest::batchNormTrain);
        OPS.put("batchnorm_eval", c -> Normalization.batchNorm(c.input("x"), c.input("gamma"), c.input("beta"),
                c.constant("running_mean"), c.constant("running_var"), false, 0.1f, 1e-5f));
        OPS.put("log_softmax", c -> c.input("x").logSoftmax(1));
        OPS.put("softmax", c -> c.input("x").softmax(1));
        OPS.put("maxpool2", c -> c.input("x").maxPool2d(2));
        OPS.put("avgpool2", c -> c.input("x").avgPool2d(2));
        OPS.put("adaptive_avg1", c -> c.input("x").adaptiveAvgPool1());
        OPS.put("adaptive_max1", c -> c.input("x").adaptiveMaxPool1());
        OPS.put("upsample_bilinear2", c -> c.input("x").upsample(UpsampleMode.BILINEAR, 2));
        OPS.put("upsample_nearest2", c -> c.input("x").upsample(UpsampleMode.NEAREST, 2));
        OPS.put("linear", c -> c.input("x").linear(c.input("w"), c.input("b")));
        OPS.put("permute_0213", c -> c.input("x").permute(0, 2, 1, 3));
        OPS.put("permute_0321", c -> c.input("x").permute(0, 3, 2, 1));
    }

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        backend = OpenClTestSupport.backend();
        // The file lives inside the engine's test-jar; the reader takes a file path.
        Path file = dir.resolve("ops.safetensors");
        try (InputStream in = OpenClGoldenOpsTest.class.getResourceAsStream("/golden/ops.safetensors")) {
            assertNotNull(in, "golden/ops.safetensors must be on the test class path (engine test-jar)");
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

    private static Tensor batchNormTrain(Case c) {
        Tensor runningMean = c.constant("running_mean_before");
        Tensor runningVar = c.constant("running_var_before");
        Tensor y = Normalization.batchNorm(c.input("x"), c.input("gamma"), c.input("beta"),
                runningMean, runningVar, true, 0.1f, 1e-5f);
        c.afterForward.put("running_mean_after", runningMean);
        c.afterForward.put("running_var_after", runningVar);
        return y;
    }

    private static Set<String> caseNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : golden.tensors().keySet()) {
            names.add(key.substring(0, key.lastIndexOf('.')));
        }
        return names;
    }

    @TestFactory
    Stream<DynamicTest> goldenCasesOnTheDevice() {
        Set<String> names = caseNames();
        assertTrue(names.stream().filter(n -> n.startsWith("conv_")).count() >= 6, "conv cases in the golden file");
        assertTrue(names.stream().filter(n -> n.startsWith("convT_")).count() >= 3, "convT cases in the golden file");
        assertTrue(names.containsAll(OPS.keySet()), "golden file lacks some of " + OPS.keySet());
        return names.stream().filter(n -> definition(n) != null).map(n -> DynamicTest.dynamicTest(n, () -> check(n)));
    }

    private static void check(String name) {
        Case c = new Case(name);
        Tensor out = definition(name).apply(c);
        assertSame(backend, out.backend(), name + ": the output must stay on the OpenCL device");
        TensorAssertions.assertClose(name + ".out", c.stored("out"), out, TOL);
        for (Map.Entry<String, Tensor> e : c.afterForward.entrySet()) {
            TensorAssertions.assertClose(name + "." + e.getKey(), c.stored(e.getKey()), e.getValue(), TOL);
        }
        out.backward(c.stored("grad_out"));
        Set<String> storedGrads = new TreeSet<>();
        for (String key : golden.tensors().keySet()) {
            if (key.startsWith(name + ".grad_") && !key.equals(name + ".grad_out")) {
                storedGrads.add(key.substring(name.length() + ".grad_".length()));
            }
        }
        assertEquals(storedGrads, new TreeSet<>(c.inputs.keySet()), name + ": every stored input gradient is checked");
        for (Map.Entry<String, Tensor> e : c.inputs.entrySet()) {
            Tensor grad = e.getValue().grad();
            assertNotNull(grad, name + ": no gradient reached input " + e.getKey());
            assertSame(backend, grad.backend(), name + ": gradients must stay on the OpenCL device");
            TensorAssertions.assertClose(name + ".grad_" + e.getKey(), c.stored("grad_" + e.getKey()), grad, TOL);
        }
    }

    /** One golden case's tensors, uploaded to the OpenCL device. */
    private static final class Case {
        final String name;
        final Map<String, Tensor> inputs = new LinkedHashMap<>();
        final Map<String, Tensor> afterForward = new LinkedHashMap<>();

        Case(String name) {
            this.name = name;
        }

        StoredTensor raw(String field) {
            StoredTensor t = golden.tensors().get(name + "." + field);
            assertNotNull(t, "golden file has no tensor " + name + "." + field);
            return t;
        }

        Tensor stored(String field) {
            return raw(field).toTensor(backend);
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
