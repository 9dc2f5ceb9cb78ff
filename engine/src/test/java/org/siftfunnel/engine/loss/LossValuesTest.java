package org.siftfunnel.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Loss values against sums written out by hand, and the degenerate and extreme cases. */
class LossValuesTest {
    private static final Backend BE = Backends.reference();

    private static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(BE, new RandomSource(seed), lo, hi, shape);
    }

    @Test
    void nllIsMinusMeanOfPickedLogProbabilities() {
        Tensor logProbs = Tensor.of(BE, new float[] {-0.1f, -2.0f, -3.0f, -1.5f, -0.4f, -2.5f}, 2, 3);
        double expected = -(-0.1 + -2.5) / 2;
        assertEquals(expected, Losses.nll(logProbs, new int[] {0, 2}).item(), 1e-6);
        assertEquals(expected, Losses.nll(logProbs, Tensor.of(BE, new float[] {0, 2}, 2)).item(), 1e-6);
    }

    @Test
    void crossEntropyMatchesLogSumExp() {
        float[] logits = {1f, 2f, 0.5f, -1f, 3f, 0f};
        int[] labels = {1, 0};
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double lse = 0;
            for (int k = 0; k < 3; k++) {
                lse += Math.exp(logits[i * 3 + k]);
            }
            expected += Math.log(lse) - logits[i * 3 + labels[i]];
        }
        expected /= 2;
        assertEquals(expected, Losses.crossEntropy(Tensor.of(BE, logits, 2, 3), labels).item(), 1e-5);
    }

    @Test
    void klWithoutSmoothingIsCrossEntropy() {
        // s = 0 puts zero mass on the wrong classes: 0·log 0 must count as 0, not NaN.
        Tensor logits = uniform(1, -2f, 2f, 4, 5);
        int[] labels = {0, 4, 2, 2};
        assertEquals(Losses.crossEntropy(logits, labels).item(), Losses.klToSmoothedLabels(logits, labels, 0f).item(), 1e-5);
    }

    @Test
    void klMatchesHandWrittenSum() {
        float[] logits = {0.2f, -1f, 1.5f, 0.3f, 0.9f, -0.4f};
        int[] labels = {2, 1};
        float s = 0.2f;
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double lse = 0;
            for (int k = 0; k < 3; k++) {
                lse += Math.exp(logits[i * 3 + k]);
            }
            for (int k = 0; k < 3; k++) {
                double target = k == labels[i] ? 1 - s : s / 2;
                expected += target * (Math.log(target) - (logits[i * 3 + k] - Math.log(lse)));
            }
        }
        expected /= 2;
        assertEquals(expected, Losses.klToSmoothedLabels(Tensor.of(BE, logits, 2, 3), labels, s).item(), 1e-5);
    }

    @Test
    void regressionValues() {
        Tensor a = Tensor.of(BE, new float[] {1f, -2f, 3f, 0.5f}, 2, 2);
        Tensor b = Tensor.of(BE, new float[] {0f, 1f, 3f, -0.5f}, 2, 2);
        assertEquals((1 + 9 + 0 + 1) / 4.0, Losses.mse(a, b).item(), 1e-6);
        assertEquals((1 + 3 + 0 + 1) / 4.0, Losses.l1(a, b).item(), 1e-6);
        assertEquals((1 + 2 + 3 + 0.5) / 4.0, Losses.meanAbs(a).item(), 1e-6);
    }

    @Test
    void distanceCorrelationIsOneForScaledCopiesAndSquareRootRelated() {
        Tensor x = uniform(2, -1f, 1f, 6, 4);
        assertEquals(1.0, Losses.distanceCorrelation(x, x.mul(3f).add(1f), true).item(), 1e-4);
        Tensor z = uniform(3, -1f, 1f, 6, 2);
        double squared = Losses.distanceCorrelation(x, z, true).item();
        assertTrue(squared > 0 && squared < 1, "dCor² in (0, 1), got " + squared);
        assertEquals(Math.sqrt(squared), Losses.distanceCorrelation(x, z, false).item(), 1e-6);
    }

    @Test
    void distanceCorrelationOfConstantInputIsZeroWithZeroGradient() {
        for (boolean squared : new boolean[] {true, false}) {
            for (boolean constantFirst : new boolean[] {true, false}) {
                Tensor constant = Tensor.full(BE, 0.7f, 5, 3).requiresGrad(true);
                Tensor varying = uniform(4, -1f, 1f, 5, 2).requiresGrad(true);
                Tensor loss = constantFirst ? Losses.distanceCorrelation(constant, varying, squared)
                        : Losses.distanceCorrelation(varying, constant, squared);
                assertEquals(0f, loss.item(), 0f, "squared=" + squared);
                assertTrue(loss.requiresGrad(), "the zero must stay connected to the graph");
                loss.backward();
                for (Tensor t : new Tensor[] {constant, varying}) {
                    for (float g : t.grad().toArray()) {
                        assertEquals(0f, g, 0f, "gradient of a degenerate dCor must be exactly 0 (squared=" + squared + ")");
                    }
                }
            }
        }
    }

    @Test
    void pearsonMatchesDoubleLoops() {
        int b = 2;
        int c = 3;
        int hw = 6;
        Tensor z = uniform(5, -1f, 1f, b, c, 2, 3);
        float[] v = z.toArray();
        double all = 0;
        double offDiagonal = 0;
        for (int s = 0; s < b; s++) {
            double[] mean = new double[c];
            double[] sd = new double[c];
            for (int i = 0; i < c; i++) {
                for (int p = 0; p < hw; p++) {
                    mean[i] += v[(s * c + i) * hw + p] / hw;
                }
                for (int p = 0; p < hw; p++) {
                    double d = v[(s * c + i) * hw + p] - mean[i];
                    sd[i] += d * d / (hw - 1);
                }
                sd[i] = Math.sqrt(sd[i]);
            }
            for (int i = 0; i < c; i++) {
                for (int j = 0; j < c; j++) {
                    double cov = 0;
                    for (int p = 0; p < hw; p++) {
                        cov += (v[(s * c + i) * hw + p] - mean[i]) * (v[(s * c + j) * hw + p] - mean[j]) / hw;
                    }
                    double r2 = Math.pow(cov / (sd[i] * sd[j] + 1e-12), 2);
                    all += r2;
                    offDiagonal += i == j ? 0 : r2;
                }
            }
        }
        assertEquals(all / (b * c * c), Losses.pearsonChannels(z).item(), 1e-5);
        assertEquals(offDiagonal / (b * c * (c - 1)), Losses.pearsonChannels(z, false).item(), 1e-5);
    }

    @Test
    void pearsonWithConstantChannelHasFiniteGradient() {
        float[] v = uniform(6, -1f, 1f, 1, 3, 2, 2).toArray();
        for (int p = 0; p < 4; p++) {
            v[4 + p] = 0.25f; // channel 1 is constant: σ = 0
        }
        Tensor z = Tensor.of(BE, v, 1, 3, 2, 2).requiresGrad(true);
        Tensor loss = Losses.pearsonChannels(z, false);
        assertTrue(Float.isFinite(loss.item()));
        loss.backward();
        for (float g : z.grad().toArray()) {
            assertTrue(Float.isFinite(g), "gradient must stay finite when a channel is constant");
        }
    }

    @Test
    void totalVariationOfRampImage() {
        // x[h][w] = 2h + 3w in one channel: every vertical difference is 2, every horizontal one 3.
        float[] v = new float[12];
        for (int h = 0; h < 3; h++) {
            for (int w = 0; w < 4; w++) {
                v[h * 4 + w] = 2 * h + 3 * w;
            }
        }
        assertEquals(4.0 + 9.0, Losses.totalVariation(Tensor.of(BE, v, 1, 1, 3, 4)).item(), 1e-5);
    }

    @Test
    void hsicMatchesTraceFormula() {
        int n = 4;
        Tensor x = uniform(7, -1f, 1f, n, 2);
        Tensor z = uniform(8, -1f, 1f, n, 3);
        double[][] k = kernel(x.toArray(), n, 2, 1.0);
        double[][] l = kernel(z.toArray(), n, 3, 0.5);
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i][j] = (i == j ? 1 : 0) - 1.0 / n;
            }
        }
        double[][] khlh = times(times(times(k, h), l), h);
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += khlh[i][i];
        }
        assertEquals(trace / ((n - 1) * (n - 1)), Losses.hsicGaussian(x, z, 1f, 0.5f).item(), 1e-6);
    }

    private static double[][] kernel(float[] rows, int n, int d, double sigma) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double diff = rows[i * d + c] - rows[j * d + c];
                    s += diff * diff;
                }
                out[i][j] = Math.exp(-s / (2 * sigma * sigma));
            }
        }
        return out;
    }

    private static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    @Test
    void donskerVaradhanIsStableForLargeStatistics() {
        // exp(1000) overflows float32; the max-shifted log-mean-exp must not.
        Tensor joint = Tensor.of(BE, new float[] {1000f, 1002f}, 2);
        Tensor marginal = Tensor.of(BE, new float[] {1000f, 999f, 998f}, 3).requiresGrad(true);
        double expected = 1001 - (1000 + Math.log((1 + Math.exp(-1) + Math.exp(-2)) / 3));
        Tensor bound = Losses.donskerVaradhan(joint, marginal);
        assertEquals(expected, bound.item(), 1e-3);
        bound.backward();
        // d/dt_k of −log mean exp(t) is −softmax(t)_k.
        double norm = 1 + Math.exp(-1) + Math.exp(-2);
        float[] g = marginal.grad().toArray();
        assertEquals(-1 / norm, g[0], 1e-6);
        assertEquals(-Math.exp(-2) / norm, g[2], 1e-6);
    }
}
