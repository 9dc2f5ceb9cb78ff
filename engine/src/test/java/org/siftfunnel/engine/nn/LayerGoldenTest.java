package org.siftfunnel.engine.nn;

import static org.siftfunnel.engine.nn.NnTesting.assertClose;
import static org.siftfunnel.engine.nn.NnTesting.golden;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The layers against PyTorch 1.13 (golden/ops.safetensors): weights loaded through
 * loadStateDict, outputs and vector–Jacobian products for the recorded upstream gradient,
 * within the README's single-op tolerances.
 */
class LayerGoldenTest {
    private static final float RTOL = 1e-5f;
    private static final float ATOL = 1e-5f;

    private static Map<String, Tensor> state(Tensor w, Tensor b) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", w);
        m.put("bias", b);
        return m;
    }

    private static void checkForwardBackward(String c, Module layer, Tensor x, Map<String, String> gradOfParameter)
            throws IOException {
        x.requiresGrad(true);
        Tensor out = layer.forward(x);
        assertClose(c + ".out", golden(c + ".out"), out, RTOL, ATOL);
        out.backward(golden(c + ".grad_out"));
        assertClose(c + ".grad_x", golden(c + ".grad_x"), x.grad(), RTOL, ATOL);
        Map<String, Tensor> params = layer.namedParameters();
        gradOfParameter.forEach((param, key) -> {
            try {
                assertClose(c + "." + key, golden(c + "." + key), params.get(param).grad(), RTOL, ATOL);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv_k3s1p1", "conv_k3s2p1", "conv_k1", "conv_k5p2", "conv_k3d2", "conv_k7p3"})
    void conv2d(String c) throws IOException {
        Tensor w = golden(c + ".w");
        long[] meta = NnTesting.golden().require(c + ".meta").toLongs();
        int[] ws = w.shape();
        Conv2d conv = new Conv2d(ws[1], ws[0], ws[2], (int) meta[0], (int) meta[1], (int) meta[2], true, new RandomSource(1));
        conv.loadStateDict(state(w, golden(c + ".b")), true);
        checkForwardBackward(c, conv, golden(c + ".x"), Map.of("weight", "grad_w", "bias", "grad_b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"convT_k4s2p1", "convT_k3s1p1", "convT_k4s1p0"})
    void convTranspose2d(String c) throws IOException {
        Tensor w = golden(c + ".w");
        Tensor x = golden(c + ".x");
        long[] meta = NnTesting.golden().require(c + ".meta").toLongs();
        int stride = (int) meta[0];
        int padding = (int) meta[1];
        int[] ws = w.shape();
        // Recover output padding from the recorded output size: (H − 1)·s − 2p + k + op.
        int outputPadding = golden(c + ".out").size(2) - ((x.size(2) - 1) * stride - 2 * padding + ws[2]);
        ConvTranspose2d convT = new ConvTranspose2d(ws[0], ws[1], ws[2], stride, padding, outputPadding, true, new RandomSource(1));
        convT.loadStateDict(state(w, golden(c + ".b")), true);
        checkForwardBackward(c, convT, x, Map.of("weight", "grad_w", "bias", "grad_b"));
    }

    @Test
    void linear() throws IOException {
        Tensor w = golden("linear.w");
        Linear lin = new Linear(w.size(1), w.size(0), new RandomSource(1));
        lin.loadStateDict(state(w, golden("linear.b")), true);
        checkForwardBackward("linear", lin, golden("linear.x"), Map.of("weight", "grad_w", "bias", "grad_b"));
    }

    @Test
    void batchNormTrainingUpdatesRunningStatisticsAsPyTorch() throws IOException {
        String c = "batchnorm_train";
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5f, 0.1f, true);
        Map<String, Tensor> sd = state(golden(c + ".gamma"), golden(c + ".beta"));
        sd.put("running_mean", golden(c + ".running_mean_before"));
        sd.put("running_var", golden(c + ".running_var_before"));
        bn.loadStateDict(sd, true);
        checkForwardBackward(c, bn, golden(c + ".x"), Map.of("weight", "grad_gamma", "bias", "grad_beta"));
        assertClose("running_mean_after", golden(c + ".running_mean_after"), bn.runningMean(), RTOL, ATOL);
        assertClose("running_var_after", golden(c + ".running_var_after"), bn.runningVar(), RTOL, ATOL);
    }

    @Test
    void batchNormEvalUsesRunningStatisticsAndLeavesThem() throws IOException {
        String c = "batchnorm_eval";
        BatchNorm2d bn = new BatchNorm2d(3);
        Map<String, Tensor> sd = state(golden(c + ".gamma"), golden(c + ".beta"));
        sd.put("running_mean", golden(c + ".running_mean"));
        sd.put("running_var", golden(c + ".running_var"));
        bn.loadStateDict(sd, true);
        bn.eval();
        checkForwardBackward(c, bn, golden(c + ".x"), Map.of("weight", "grad_gamma", "bias", "grad_beta"));
        NnTesting.assertBitEqual("running_mean unchanged", golden(c + ".running_mean"), bn.runningMean());
        NnTesting.assertBitEqual("running_var unchanged", golden(c + ".running_var"), bn.runningVar());
    }
}
