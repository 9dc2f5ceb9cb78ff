package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.ScalarMath;
import org.siftfunnel.engine.backend.UnaryOp;

/**
 * Plain-Java kernels: the scalar fallback when the Vector API is unavailable or
 * {@code VectorWidth.SCALAR} is forced. Elementwise functions call {@link ScalarMath} itself,
 * and sums accumulate in double, so results match the reference backend closely.
 */
final class ScalarArrayKernels implements ArrayKernels {

    @Override
    public int vectorBits() {
        return 0;
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, float[] x, float[] out, int from, int to, float p0, float p1) {
        for (int i = from; i < to; i++) {
            out[i] = ScalarMath.unary(op, x[i], p0, p1);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int from, int to,
                              float p0, float p1) {
        for (int i = from; i < to; i++) {
            gx[i] = gy[i] * ScalarMath.derivative(op, x[i], y == null ? Float.NaN : y[i], p0, p1);
        }
    }

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = ScalarMath.binary(op, a[aOff + i], b[bOff + i]);
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, float[] x, int xOff, float s, boolean scalarFirst, float[] out, int outOff, int n) {
        if (scalarFirst) {
            for (int i = 0; i < n; i++) {
                out[outOff + i] = ScalarMath.binary(op, s, x[xOff + i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[outOff + i] = ScalarMath.binary(op, x[xOff + i], s);
            }
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public double sum(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += x[i];
        }
        return s;
    }

    @Override
    public float extremum(ReduceOp op, float[] x, int off, int n) {
        boolean max = op == ReduceOp.MAX;
        float m = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            if (Float.isNaN(v)) {
                return v;
            }
            if (max ? v > m : v < m) {
                m = v;
            }
        }
        return m;
    }

    @Override
    public void reduceColumns(ReduceOp op, float[] x, int off, int n, int stride, float[] out, int outOff, int width) {
        for (int i = 0; i < width; i++) {
            if (op == ReduceOp.SUM) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += x[off + j * stride + i];
                }
                out[outOff + i] = (float) s;
            } else {
                boolean max = op == ReduceOp.MAX;
                float m = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    float v = x[off + j * stride + i];
                    if (Float.isNaN(v)) {
                        m = v;
                        break;
                    }
                    if (max ? v > m : v < m) {
                        m = v;
                    }
                }
                out[outOff + i] = m;
            }
        }
    }

    // ---------------------------------------------------------------- softmax

    @Override
    public void softmaxRow(float[] x, float[] y, int off, int n, boolean log) {
        softmaxColumns(x, y, off, n, 1, 1, log);
    }

    @Override
    public void softmaxColumns(float[] x, float[] y, int off, int n, int stride, int width, boolean log) {
        for (int i = 0; i < width; i++) {
            int base = off + i;
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                m = Math.max(m, x[base + j * stride]);
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.exp(x[base + j * stride] - m);
            }
            double logS = Math.log(s);
            for (int j = 0; j < n; j++) {
                double v = x[base + j * stride] - m;
                y[base + j * stride] = (float) (log ? v - logS : Math.exp(v) / s);
            }
        }
    }

    @Override
    public void softmaxBackwardRow(float[] y, float[] gy, float[] gx, int off, int n, boolean log) {
        softmaxBackwardColumns(y, gy, gx, off, n, 1, 1, log);
    }

    @Override
    public void softmaxBackwardColumns(float[] y, float[] gy, float[] gx, int off, int n, int stride, int width,
                                       boolean log) {
        for (int i = 0; i < width; i++) {
            int base = off + i;
            double s = 0;
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                s += log ? gy[q] : (double) gy[q] * y[q];
            }
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                gx[q] = (float) (log ? gy[q] - Math.exp(y[q]) * s : y[q] * (gy[q] - s));
            }
        }
    }

    // ---------------------------------------------------------------- batch-norm pieces

    @Override
    public double sumSquaredDeviations(float[] x, int off, int n, float mean) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            double d = x[i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public double sumProductCentered(float[] g, float[] x, int off, int n, float mean) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += (double) g[i] * (x[i] - mean);
        }
        return s;
    }

    @Override
    public void normalize(float[] x, float[] out, int off, int n, float meanHigh, float meanLow, float scale, float shift) {
        for (int i = off; i < off + n; i++) {
            out[i] = (x[i] - meanHigh - meanLow) * scale + shift;
        }
    }

    @Override
    public void batchNormInputGradient(float[] x, float[] gy, float[] gx, int off, int n, float mean, float k,
                                       float a, float b) {
        for (int i = off; i < off + n; i++) {
            gx[i] = k * (gy[i] - a - (x[i] - mean) * b);
        }
    }

    // ---------------------------------------------------------------- Winograd tile transforms
    // The vector kernels run these for their tails; both evaluate every expression alike.

    @Override
    public void winogradInput(float[] d, int dOff, int dStride, int rowShift, int tiles, float[] v, int vOff, int vStride) {
        // Quarter plane (k, φ, s) at dOff + ((s·2 + k)·2 + φ)·dStride: row k (+2 with rowShift), column 2s + φ.
        int q00 = dOff;
        int q01 = dOff + dStride;
        int q10 = dOff + 2 * dStride;
        int q11 = dOff + 3 * dStride;
        int q02 = dOff + 4 * dStride;
        int q03 = dOff + 5 * dStride;
        int q12 = dOff + 6 * dStride;
        int q13 = dOff + 7 * dStride;
        for (int t = 0; t < tiles; t++) {
            float d00 = d[q00 + t];
            float d01 = d[q01 + t];
            float d02 = d[q02 + t];
            float d03 = d[q03 + t];
            float d10 = d[q10 + t];
            float d11 = d[q11 + t];
            float d12 = d[q12 + t];
            float d13 = d[q13 + t];
            float d20 = d[q00 + rowShift + t];
            float d21 = d[q01 + rowShift + t];
            float d22 = d[q02 + rowShift + t];
            float d23 = d[q03 + rowShift + t];
            float d30 = d[q10 + rowShift + t];
            float d31 = d[q11 + rowShift + t];
            float d32 = d[q12 + rowShift + t];
            float d33 = d[q13 + rowShift + t];
            // Bᵀ·d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 ...
            float a0 = d00 - d20;
            float a1 = d01 - d21;
            float a2 = d02 - d22;
            float a3 = d03 - d23;
            float b0 = d10 + d20;
            float b1 = d11 + d21;
            float b2 = d12 + d22;
            float b3 = d13 + d23;
            float c0 = d20 - d10;
            float c1 = d21 - d11;
            float c2 = d22 - d12;
            float c3 = d23 - d13;
            float e0 = d10 - d30;
            float e1 = d11 - d31;
            float e2 = d12 - d32;
            float e3 = d13 - d33;
            // ... then the same on the columns of each row.
            int at = vOff + t;
            v[at] = a0 - a2;
            v[at + vStride] = a1 + a2;
            v[at + 2 * vStride] = a2 - a1;
            v[at + 3 * vStride] = a1 - a3;
            v[at + 4 * vStride] = b0 - b2;
            v[at + 5 * vStride] = b1 + b2;
            v[at + 6 * vStride] = b2 - b1;
            v[at + 7 * vStride] = b1 - b3;
            v[at + 8 * vStride] = c0 - c2;
            v[at + 9 * vStride] = c1 + c2;
            v[at + 10 * vStride] = c2 - c1;
            v[at + 11 * vStride] = c1 - c3;
            v[at + 12 * vStride] = e0 - e2;
            v[at + 13 * vStride] = e1 + e2;
            v[at + 14 * vStride] = e2 - e1;
            v[at + 15 * vStride] = e1 - e3;
        }
    }

    @Override
    public void winogradOutput(float[] m, int mOff, int mStride, int tiles, float[] y, int yOff, int yStride) {
        for (int t = 0; t < tiles; t++) {
            int at = mOff + t;
            // Aᵀ·M: rows m0 + m1 + m2 and m1 − m2 − m3, then the same on the columns.
            float s0 = m[at] + m[at + 4 * mStride] + m[at + 8 * mStride];
            float s1 = m[at + mStride] + m[at + 5 * mStride] + m[at + 9 * mStride];
            float s2 = m[at + 2 * mStride] + m[at + 6 * mStride] + m[at + 10 * mStride];
            float s3 = m[at + 3 * mStride] + m[at + 7 * mStride] + m[at + 11 * mStride];
            float r0 = m[at + 4 * mStride] - m[at + 8 * mStride] - m[at + 12 * mStride];
            float r1 = m[at + 5 * mStride] - m[at + 9 * mStride] - m[at + 13 * mStride];
            float r2 = m[at + 6 * mStride] - m[at + 10 * mStride] - m[at + 14 * mStride];
            float r3 = m[at + 7 * mStride] - m[at + 11 * mStride] - m[at + 15 * mStride];
            int o = yOff + t;
            y[o] = s0 + s1 + s2;
            y[o + yStride] = s1 - s2 - s3;
            y[o + 2 * yStride] = r0 + r1 + r2;
            y[o + 3 * yStride] = r1 - r2 - r3;
        }
    }

    @Override
    public void winogradGradient(float[] g, int gOff, int gStride, int tiles, float[] e, int eOff, int eStride) {
        for (int t = 0; t < tiles; t++) {
            float g00 = g[gOff + t];
            float g01 = g[gOff + gStride + t];
            float g10 = g[gOff + 2 * gStride + t];
            float g11 = g[gOff + 3 * gStride + t];
            // A·g: rows g0, g0 + g1, g0 − g1, −g1; then each row (a, b) becomes a, a + b, a − b, −b.
            int at = eOff + t;
            gradientRow(e, at, eStride, 0, g00, g01);
            gradientRow(e, at, eStride, 1, g00 + g10, g01 + g11);
            gradientRow(e, at, eStride, 2, g00 - g10, g01 - g11);
            gradientRow(e, at, eStride, 3, -g10, -g11);
        }
    }

    private static void gradientRow(float[] e, int at, int stride, int q, float a, float b) {
        e[at + 4 * q * stride] = a;
        e[at + (4 * q + 1) * stride] = a + b;
        e[at + (4 * q + 2) * stride] = a - b;
        e[at + (4 * q + 3) * stride] = -b;
    }

    // ---------------------------------------------------------------- pooling

    @Override
    public void maxPool2x2Rows(float[] x, int r0, int inW, int rows, float[] y, int o, int outW, float[] switches, int base) {
        maxPool2x2(x, r0, inW, rows, y, o, outW, switches, base, 0, outW);
    }

    /**
     * {@link #maxPool2x2Rows} for outputs [from, to) of each row, in the reference's plain loop. It
     * serves the vector kernels' tails and their blocks holding a NaN, and the tests; the pooling
     * of planes whose rows are too short for vectors has its own branch-free loop
     * ({@code Pooling}), which makes the same choices. That loop is not shared here because C2
     * compiled it 1.6 to 2 times slower once it took row ranges or sat behind this interface
     * (measured twice in session 8 on the CNN's 16×16, 8×8 and 4×4 planes).
     */
    static void maxPool2x2(float[] x, int r0, int inW, int rows, float[] y, int o, int outW, float[] switches, int base,
                           int from, int to) {
        for (int k = 0; k < rows; k++) {
            for (int ox = from; ox < to; ox++) {
                int first = r0 + 2 * k * inW + 2 * ox;
                float best = Float.NEGATIVE_INFINITY;
                int where = -1;
                for (int row = 0; row < 2; row++) {
                    for (int col = 0; col < 2; col++) {
                        float v = x[first + row * inW + col];
                        if (v > best || where < 0 || Float.isNaN(v)) {
                            best = v;
                            where = row * inW + col;
                            if (Float.isNaN(v)) {
                                break; // a NaN ends its row, as in the reference's loop
                            }
                        }
                    }
                }
                y[o + k * outW + ox] = best;
                if (switches != null) {
                    switches[o + k * outW + ox] = base + 2 * k * inW + 2 * ox + where;
                }
            }
        }
    }

    // ---------------------------------------------------------------- distances

    @Override
    public void squaredDistances(float[] x, int d, int i0, int rows, int j, double[] out) {
        for (int r = 0; r < rows; r++) {
            int a = (i0 + r) * d;
            int b = j * d;
            double s = 0;
            for (int k = 0; k < d; k++) {
                double diff = x[a + k] - x[b + k];
                s += diff * diff;
            }
            out[r] = s;
        }
    }

    // ---------------------------------------------------------------- optimisers

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int from, int to, AdamCoefficients c) {
        for (int i = from; i < to; i++) {
            float param = p[i];
            float grad = g[i];
            if (c.weightDecay() != 0f) {
                if (c.decoupled()) {
                    param *= c.decayFactor();
                } else {
                    grad += c.weightDecay() * param;
                }
            }
            float mi = c.beta1() * m[i] + c.oneMinusBeta1() * grad;
            float vi = c.beta2() * v[i] + c.oneMinusBeta2() * grad * grad;
            m[i] = mi;
            v[i] = vi;
            float vUse = vi;
            if (c.amsgrad()) {
                vUse = Math.max(vMax[i], vi);
                vMax[i] = vUse;
            }
            float denom = (float) (Math.sqrt(vUse) / c.sqrtBiasCorrection2()) + c.eps();
            p[i] = param - c.stepSize() * mi / denom;
        }
    }

    @Override
    public void sgd(float[] p, float[] g, float[] buf, int from, int to, SgdCoefficients c) {
        for (int i = from; i < to; i++) {
            float param = p[i];
            float grad = g[i];
            if (c.weightDecay() != 0f) {
                grad += c.weightDecay() * param;
            }
            if (c.momentum() != 0f) {
                float b = c.firstStep() ? grad : c.momentum() * buf[i] + c.oneMinusDampening() * grad;
                buf[i] = b;
                grad = c.nesterov() ? grad + c.momentum() * b : b;
            }
            p[i] = param - c.lr() * grad;
        }
    }

    @Override
    public double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    // ---------------------------------------------------------------- register-tiled direct convolution

    /** Lanes of the scalar convolution tiles: long enough for C2 to vectorise the lane loops. */
    private static final int CONV_LANES = 8;

    @Override
    public int convLanes() {
        return CONV_LANES;
    }

    @Override
    public void convTile(int taps, int[] tapOff, float[] w, int wOff, float[] in, int pos0, int pos1, float[] tile) {
        int channels = CONV_TILE_CHANNELS;
        java.util.Arrays.fill(tile, 0, channels * CONV_TILE_POSITIONS * CONV_LANES, 0f);
        for (int t = 0; t < taps; t++) {
            int wi = wOff + t * channels;
            for (int i = 0; i < CONV_TILE_POSITIONS; i++) {
                int src = (i == 0 ? pos0 : pos1) + tapOff[t];
                for (int j = 0; j < channels; j++) {
                    float wj = w[wi + j];
                    int dst = (j * CONV_TILE_POSITIONS + i) * CONV_LANES;
                    for (int l = 0; l < CONV_LANES; l++) {
                        tile[dst + l] += wj * in[src + l];
                    }
                }
            }
        }
    }

    @Override
    public void convWeightTile(int images, float[] gy, int gyOff, int gyImage, int[] chan, int c0,
                               float[] x, int xOff, int xImage, int[] tapOff, int t0, int[] pos, int positions, int lanes,
                               float[] acc, int accOff) {
        for (int b = 0; b < images; b++) {
            for (int p = 0; p < positions; p++) {
                int g = gyOff + b * gyImage + pos[2 * p];
                int xx = xOff + b * xImage + pos[2 * p + 1];
                for (int j = 0; j < CONV_WEIGHT_CHANNELS; j++) {
                    int gj = g + chan[c0 + j];
                    for (int t = 0; t < CONV_WEIGHT_TAPS; t++) {
                        int xt = xx + tapOff[t0 + t];
                        int a = accOff + (j * CONV_WEIGHT_TAPS + t) * CONV_LANES;
                        for (int l = 0; l < lanes; l++) {
                            acc[a + l] += gy[gj + l] * x[xt + l];
                        }
                    }
                }
            }
        }
    }
}
