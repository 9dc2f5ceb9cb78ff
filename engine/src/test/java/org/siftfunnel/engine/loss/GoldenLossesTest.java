package org.siftfunnel.engine.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Every loss case of the PyTorch golden file: the value and the vector–Jacobian product for
 * the stored upstream gradient must match within {@code 1e-4·(1 + max|expected|)}.
 */
class GoldenLossesTest {
    private static final double RELATIVE_TOLERANCE = 1e-4;
    private static SafeTensors.Contents golden;
    private static final Backend REFERENCE = Backends.reference();

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        URL url = GoldenLossesTest.class.getResource("/golden/ops.safetensors");
        assertNotNull(url, "golden/ops.safetensors is missing from the test resources");
        golden = SafeTensors.read(Path.of(url.toURI()));
    }

    @Test
    void klToSmoothedLabels() throws IOException {
        Tensor labels = tensor("kl_smooth_s0.25.labels");
        check("kl_smooth_s0.25", in -> Losses.klToSmoothedLabels(in[0], labels, 0.25f), "x");
    }

    @Test
    void squaredDistanceCorrelation() throws IOException {
        check("dcor2", in -> Losses.distanceCorrelation(in[0], in[1], true), "x", "z");
    }

    @Test
    void pearsonChannels() throws IOException {
        check("pearson_channels", in -> Losses.pearsonChannels(in[0]), "z");
    }

    @Test
    void totalVariation() throws IOException {
        check("tv", in -> Losses.totalVariation(in[0]), "x");
    }

    @Test
    void hsicGaussian() throws IOException {
        check("hsic_gauss_s1_s2", in -> Losses.hsicGaussian(in[0], in[1], 1f, 2f), "x", "z");
    }

    @Test
    void donskerVaradhan() throws IOException {
        check("mine_dv", in -> Losses.donskerVaradhan(in[0], in[1]), "t_joint", "t_marg");
    }

    private static Tensor tensor(String name) throws IOException {
        return golden.require(name).toTensor(REFERENCE);
    }

    private static void check(String name, Function<Tensor[], Tensor> loss, String... inputNames) throws IOException {
        Tensor[] inputs = new Tensor[inputNames.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = tensor(name + "." + inputNames[i]).requiresGrad(true);
        }
        Tensor out = loss.apply(inputs);
        assertArrayEquals(new int[] {1}, out.shape(), name + ": loss shape");
        assertClose(name + ".out", golden.require(name + ".out").toFloats(), out.toArray());
        out.backward(tensor(name + ".grad_out"));
        for (int i = 0; i < inputs.length; i++) {
            String gradName = name + ".grad_" + inputNames[i];
            assertNotNull(inputs[i].grad(), gradName + ": no gradient reached the input");
            assertArrayEquals(inputs[i].shape(), inputs[i].grad().shape(), gradName + ": gradient shape");
            assertClose(gradName, golden.require(gradName).toFloats(), inputs[i].grad().toArray());
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double maxExpected = 0;
        double maxError = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            maxExpected = Math.max(maxExpected, Math.abs(expected[i]));
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= maxError)) {
                maxError = err;
                worst = i;
            }
        }
        double tolerance = RELATIVE_TOLERANCE * (1 + maxExpected);
        if (!(maxError <= tolerance)) {
            throw new AssertionError(String.format("%s: max |got − expected| = %.3g at element %d (got %.7g, expected %.7g)"
                    + " exceeds %.3g", what, maxError, worst, actual[worst], expected[worst], tolerance));
        }
    }
}
