package org.siftfunnel.engine.nn.attention;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.nn.NnTesting;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Multi-head self-attention against plain loops, PyTorch state-dict conversion, and the encoder block's image form. */
class SelfAttentionTest {
    private static double[][] project(float[] x, int rows, int in, Tensor w, Tensor b) {
        float[] wv = w.toArray();
        float[] bv = b.toArray();
        int out = w.size(0);
        double[][] y = new double[rows][out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = bv[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * wv[o * in + i];
                }
                y[r][o] = s;
            }
        }
        return y;
    }

    @Test
    void multiHeadAttentionMatchesTheLoops() {
        int n = 2;
        int len = 3;
        int e = 6;
        int heads = 3;
        int d = e / heads;
        MultiHeadSelfAttention mha = new MultiHeadSelfAttention(e, heads, new RandomSource(1));
        // Non-zero biases so that they are exercised too.
        RandomSource rng = new RandomSource(2);
        mha.namedParameters().forEach((k, p) -> p.copyFrom(Tensor.rand(p.backend(), rng, -0.8f, 0.8f, p.shape())));
        Map<String, Tensor> sd = mha.stateDict();
        Tensor x = NnTesting.uniform(3, -1f, 1f, n, len, e);
        float[] xv = x.toArray();
        double[][] q = project(xv, n * len, e, sd.get("q_proj.weight"), sd.get("q_proj.bias"));
        double[][] k = project(xv, n * len, e, sd.get("k_proj.weight"), sd.get("k_proj.bias"));
        double[][] v = project(xv, n * len, e, sd.get("v_proj.weight"), sd.get("v_proj.bias"));
        float[] context = new float[n * len * e];
        for (int b = 0; b < n; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < len; i++) {
                    double[] score = new double[len];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < len; j++) {
                        for (int c = 0; c < d; c++) {
                            score[j] += q[b * len + i][h * d + c] * k[b * len + j][h * d + c] / Math.sqrt(d);
                        }
                        max = Math.max(max, score[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < len; j++) {
                        score[j] = Math.exp(score[j] - max);
                        z += score[j];
                    }
                    for (int c = 0; c < d; c++) {
                        double s = 0;
                        for (int j = 0; j < len; j++) {
                            s += score[j] / z * v[b * len + j][h * d + c];
                        }
                        context[(b * len + i) * e + h * d + c] = (float) s;
                    }
                }
            }
        }
        double[][] out = project(context, n * len, e, sd.get("out_proj.weight"), sd.get("out_proj.bias"));
        float[] expected = new float[n * len * e];
        for (int r = 0; r < n * len; r++) {
            for (int o = 0; o < e; o++) {
                expected[r * e + o] = (float) out[r][o];
            }
        }
        NnTesting.assertClose("MHA", Tensor.of(expected, n, len, e), mha.forward(x), 1e-5f, 2e-6f);
    }

    @Test
    void packedPyTorchStateDictLoads() {
        MultiHeadSelfAttention source = new MultiHeadSelfAttention(4, 2, new RandomSource(4));
        RandomSource rng = new RandomSource(5);
        source.namedParameters().forEach((k, p) -> p.copyFrom(Tensor.rand(p.backend(), rng, -0.8f, 0.8f, p.shape())));
        Map<String, Tensor> sd = source.stateDict();
        // What PyTorch's nn.MultiheadAttention state dict looks like under a prefix.
        Map<String, Tensor> torch = new LinkedHashMap<>();
        torch.put("attn.in_proj_weight", Tensor.concat(0, sd.get("q_proj.weight"), sd.get("k_proj.weight"), sd.get("v_proj.weight")));
        torch.put("attn.in_proj_bias", Tensor.concat(0, sd.get("q_proj.bias"), sd.get("k_proj.bias"), sd.get("v_proj.bias")));
        torch.put("attn.out_proj.weight", sd.get("out_proj.weight"));
        torch.put("attn.out_proj.bias", sd.get("out_proj.bias"));
        LinkedHashMap<String, Tensor> converted = MultiHeadSelfAttention.fromPackedStateDict(torch, "attn.");
        assertEquals(List.of("attn.q_proj.weight", "attn.k_proj.weight", "attn.v_proj.weight", "attn.q_proj.bias",
                "attn.k_proj.bias", "attn.v_proj.bias", "attn.out_proj.weight", "attn.out_proj.bias"), List.copyOf(converted.keySet()));
        MultiHeadSelfAttention target = new MultiHeadSelfAttention(4, 2, new RandomSource(6));
        target.loadStateDict(org.siftfunnel.engine.nn.StateDicts.select(converted, "attn."), true);
        Tensor x = NnTesting.uniform(7, -1f, 1f, 2, 5, 4);
        NnTesting.assertBitEqual("converted", source.forward(x), target.forward(x));
    }

    @Test
    void encoderBlockTreatsImagePositionsAsTokens() {
        SelfAttentionBlock block = new SelfAttentionBlock(4, 2, 8, new RandomSource(8));
        assertEquals(List.of("self_attn.q_proj.weight", "self_attn.q_proj.bias", "self_attn.k_proj.weight", "self_attn.k_proj.bias",
                "self_attn.v_proj.weight", "self_attn.v_proj.bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight",
                "norm2.bias"), List.copyOf(block.stateDict().keySet()));
        Tensor image = NnTesting.uniform(9, -1f, 1f, 2, 4, 3, 5);
        Tensor tokens = image.reshape(2, 4, 15).permute(0, 2, 1);
        Tensor expected = block.forward(tokens).permute(0, 2, 1).reshape(2, 4, 3, 5);
        NnTesting.assertBitEqual("image form", expected, block.forward(image));
    }

    @Test
    void encoderBlockOutputIsLayerNormalised() {
        SelfAttentionBlock block = new SelfAttentionBlock(6, 3, 12, new RandomSource(10));
        float[] y = block.forward(NnTesting.uniform(11, -1f, 1f, 2, 4, 6)).toArray();
        for (int r = 0; r < 8; r++) {
            double mean = 0;
            double sq = 0;
            for (int c = 0; c < 6; c++) {
                mean += y[r * 6 + c] / 6.0;
            }
            for (int c = 0; c < 6; c++) {
                sq += (y[r * 6 + c] - mean) * (y[r * 6 + c] - mean) / 6.0;
            }
            assertEquals(0, mean, 1e-5, "row mean");
            assertEquals(1, sq, 1e-3, "row variance");
        }
    }
}
