package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Straightforward double-precision loops for the attention blocks, written from the paper's
 * description without any tensor op, as an independent oracle.
 */
final class Naive {
    private Naive() {
    }

    /** A dense 4-D array [a, b, c, d] of doubles. */
    static final class A4 {
        final int n;
        final int c;
        final int h;
        final int w;
        final double[] v;

        A4(int n, int c, int h, int w) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.v = new double[n * c * h * w];
        }

        static A4 of(Tensor t) {
            int[] s = t.shape();
            A4 a = new A4(s[0], s[1], s[2], s[3]);
            float[] f = t.toArray();
            for (int i = 0; i < f.length; i++) {
                a.v[i] = f[i];
            }
            return a;
        }

        double get(int i, int j, int k, int l) {
            return v[((i * c + j) * h + k) * w + l];
        }

        void set(int i, int j, int k, int l, double x) {
            v[((i * c + j) * h + k) * w + l] = x;
        }

        Tensor toTensor() {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) v[i];
            }
            return Tensor.of(Backends.reference(), f, n, c, h, w);
        }

        /** Axes reordered so that output axis i is input axis perm[i]. */
        A4 permute(int... perm) {
            int[] dims = {n, c, h, w};
            A4 out = new A4(dims[perm[0]], dims[perm[1]], dims[perm[2]], dims[perm[3]]);
            int[] idx = new int[4];
            for (idx[0] = 0; idx[0] < n; idx[0]++) {
                for (idx[1] = 0; idx[1] < c; idx[1]++) {
                    for (idx[2] = 0; idx[2] < h; idx[2]++) {
                        for (idx[3] = 0; idx[3] < w; idx[3]++) {
                            out.set(idx[perm[0]], idx[perm[1]], idx[perm[2]], idx[perm[3]], get(idx[0], idx[1], idx[2], idx[3]));
                        }
                    }
                }
            }
            return out;
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double[] floats(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Stride-1 convolution with zero padding, weight [cout, cin, k, k] flat, no bias. */
    static A4 conv(A4 x, double[] weight, int cout, int k, int pad) {
        A4 out = new A4(x.n, cout, x.h + 2 * pad - k + 1, x.w + 2 * pad - k + 1);
        for (int i = 0; i < x.n; i++) {
            for (int o = 0; o < cout; o++) {
                for (int y = 0; y < out.h; y++) {
                    for (int z = 0; z < out.w; z++) {
                        double s = 0;
                        for (int ci = 0; ci < x.c; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kz = 0; kz < k; kz++) {
                                    int iy = y - pad + ky;
                                    int iz = z - pad + kz;
                                    if (iy >= 0 && iy < x.h && iz >= 0 && iz < x.w) {
                                        s += x.get(i, ci, iy, iz) * weight[((o * x.c + ci) * k + ky) * k + kz];
                                    }
                                }
                            }
                        }
                        out.set(i, o, y, z, s);
                    }
                }
            }
        }
        return out;
    }

    /** {@code W·v} for W [rows, cols] flat. */
    static double[] matVec(double[] weight, int rows, double[] v) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < v.length; j++) {
                out[r] += weight[r * v.length + j] * v[j];
            }
        }
        return out;
    }

    static double[] relu(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(v[i], 0);
        }
        return out;
    }

    /** SE: x · σ(W2·relu(W1·avg(x))) per sample and channel. */
    static A4 se(A4 x, double[] w1, double[] w2, int hidden) {
        A4 out = new A4(x.n, x.c, x.h, x.w);
        for (int i = 0; i < x.n; i++) {
            double[] avg = new double[x.c];
            for (int j = 0; j < x.c; j++) {
                for (int k = 0; k < x.h; k++) {
                    for (int l = 0; l < x.w; l++) {
                        avg[j] += x.get(i, j, k, l) / (x.h * x.w);
                    }
                }
            }
            double[] s = matVec(w2, x.c, relu(matVec(w1, hidden, avg)));
            for (int j = 0; j < x.c; j++) {
                for (int k = 0; k < x.h; k++) {
                    for (int l = 0; l < x.w; l++) {
                        out.set(i, j, k, l, x.get(i, j, k, l) * sigmoid(s[j]));
                    }
                }
            }
        }
        return out;
    }

    /** CBAM: channel attention (shared MLP on avg and max, summed), then spatial attention on [mean, max]. */
    static A4 cbam(A4 x, double[] fc1, double[] fc2, int hidden, double[] conv1) {
        A4 mid = new A4(x.n, x.c, x.h, x.w);
        for (int i = 0; i < x.n; i++) {
            double[] avg = new double[x.c];
            double[] max = new double[x.c];
            for (int j = 0; j < x.c; j++) {
                max[j] = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < x.h; k++) {
                    for (int l = 0; l < x.w; l++) {
                        avg[j] += x.get(i, j, k, l) / (x.h * x.w);
                        max[j] = Math.max(max[j], x.get(i, j, k, l));
                    }
                }
            }
            double[] a = matVec(fc2, x.c, relu(matVec(fc1, hidden, avg)));
            double[] m = matVec(fc2, x.c, relu(matVec(fc1, hidden, max)));
            for (int j = 0; j < x.c; j++) {
                for (int k = 0; k < x.h; k++) {
                    for (int l = 0; l < x.w; l++) {
                        mid.set(i, j, k, l, x.get(i, j, k, l) * sigmoid(a[j] + m[j]));
                    }
                }
            }
        }
        A4 pooled = new A4(x.n, 2, x.h, x.w);
        for (int i = 0; i < x.n; i++) {
            for (int k = 0; k < x.h; k++) {
                for (int l = 0; l < x.w; l++) {
                    double sum = 0;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < x.c; j++) {
                        sum += mid.get(i, j, k, l);
                        max = Math.max(max, mid.get(i, j, k, l));
                    }
                    pooled.set(i, 0, k, l, sum / x.c);
                    pooled.set(i, 1, k, l, max);
                }
            }
        }
        A4 map = conv(pooled, conv1, 1, 7, 3);
        A4 out = new A4(x.n, x.c, x.h, x.w);
        for (int i = 0; i < x.n; i++) {
            for (int j = 0; j < x.c; j++) {
                for (int k = 0; k < x.h; k++) {
                    for (int l = 0; l < x.w; l++) {
                        out.set(i, j, k, l, mid.get(i, j, k, l) * sigmoid(map.get(i, 0, k, l)));
                    }
                }
            }
        }
        return out;
    }

    /** One attention gate's parameters and BN state; {@code updated*} receive the training-mode running statistics. */
    static final class Gate {
        double[] conv;
        double gamma;
        double beta;
        double runningMean;
        double runningVar;
        double updatedMean;
        double updatedVar;
    }

    /** x · σ(BN(conv7×7([max over axis 1, mean over axis 1]))). */
    static A4 gate(A4 x, Gate g, boolean training) {
        A4 pooled = new A4(x.n, 2, x.h, x.w);
        for (int i = 0; i < x.n; i++) {
            for (int k = 0; k < x.h; k++) {
                for (int l = 0; l < x.w; l++) {
                    double sum = 0;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < x.c; j++) {
                        sum += x.get(i, j, k, l);
                        max = Math.max(max, x.get(i, j, k, l));
                    }
                    pooled.set(i, 0, k, l, max);
                    pooled.set(i, 1, k, l, sum / x.c);
                }
            }
        }
        A4 conv = conv(pooled, g.conv, 1, 7, 3);
        double mean = g.runningMean;
        double var = g.runningVar;
        if (training) {
            int count = conv.v.length;
            mean = 0;
            for (double v : conv.v) {
                mean += v / count;
            }
            var = 0;
            for (double v : conv.v) {
                var += (v - mean) * (v - mean) / count;
            }
            g.updatedMean = 0.99 * g.runningMean + 0.01 * mean;
            g.updatedVar = 0.99 * g.runningVar + 0.01 * var * count / (count - 1);
        }
        A4 out = new A4(x.n, x.c, x.h, x.w);
        for (int i = 0; i < x.n; i++) {
            for (int k = 0; k < x.h; k++) {
                for (int l = 0; l < x.w; l++) {
                    double bn = (conv.get(i, 0, k, l) - mean) / Math.sqrt(var + 1e-5) * g.gamma + g.beta;
                    double s = sigmoid(bn);
                    for (int j = 0; j < x.c; j++) {
                        out.set(i, j, k, l, x.get(i, j, k, l) * s);
                    }
                }
            }
        }
        return out;
    }

    /** Triplet attention: (hw(x) + cw-branch + hc-branch) / 3 with the permutations of the paper. */
    static A4 triplet(A4 x, Gate cw, Gate hc, Gate hw, boolean training) {
        A4 outCw = gate(x.permute(0, 2, 1, 3), cw, training).permute(0, 2, 1, 3);
        A4 outHc = gate(x.permute(0, 3, 2, 1), hc, training).permute(0, 3, 2, 1);
        A4 outHw = gate(x, hw, training);
        A4 out = new A4(x.n, x.c, x.h, x.w);
        for (int i = 0; i < out.v.length; i++) {
            out.v[i] = (outHw.v[i] + outCw.v[i] + outHc.v[i]) / 3;
        }
        return out;
    }
}
