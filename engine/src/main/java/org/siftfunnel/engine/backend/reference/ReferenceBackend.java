package org.siftfunnel.engine.backend.reference;

import static org.siftfunnel.engine.backend.ArrayBuffer.of;

import org.siftfunnel.engine.backend.AdamConfig;
import org.siftfunnel.engine.backend.ArrayBuffer;
import org.siftfunnel.engine.backend.OptimizerMath;
import org.siftfunnel.engine.backend.ScalarMath;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.PoolGeometry;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.SgdConfig;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.random.Philox;

/**
 * The scalar reference backend: plain loops written for obvious correctness, the oracle
 * every other backend is tested against. Sums accumulate in double so that the oracle is
 * more accurate than the backends it judges. Single-threaded and deliberately unoptimised.
 */
public final class ReferenceBackend implements Backend {
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reference: scalar Java, single thread (the correctness oracle)";
    }

    // ---------------------------------------------------------------- memory

    @Override
    public DeviceBuffer allocate(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("allocate: negative size " + n);
        }
        return new ArrayBuffer(new float[n], this);
    }

    @Override
    public DeviceBuffer upload(float[] data) {
        return new ArrayBuffer(data.clone(), this);
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, float[] dst, int dstOffset, int n) {
        System.arraycopy(of(src), srcOffset, dst, dstOffset, n);
    }

    @Override
    public void write(float[] src, int srcOffset, DeviceBuffer dst, int dstOffset, int n) {
        System.arraycopy(src, srcOffset, of(dst), dstOffset, n);
    }

    @Override
    public void fill(DeviceBuffer out, int offset, int n, float value) {
        java.util.Arrays.fill(of(out), offset, offset + n, value);
    }

    @Override
    public void copy(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int n) {
        System.arraycopy(of(src), srcOffset, of(dst), dstOffset, n);
    }

    @Override
    public void copyStrided(DeviceBuffer src, int srcOffset, int[] srcStrides,
                            DeviceBuffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        float[] s = of(src);
        float[] d = of(dst);
        int rank = shape.length;
        long total = 1;
        for (int dim : shape) {
            total *= dim;
        }
        if (total == 0) {
            return;
        }
        int[] idx = new int[rank];
        for (long e = 0; e < total; e++) {
            int so = srcOffset;
            int dof = dstOffset;
            for (int k = 0; k < rank; k++) {
                so += idx[k] * srcStrides[k];
                dof += idx[k] * dstStrides[k];
            }
            d[dof] = s[so];
            for (int k = rank - 1; k >= 0; k--) {
                if (++idx[k] < shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out, int n, float p0, float p1) {
        float[] a = of(x);
        float[] o = of(out);
        for (int i = 0; i < n; i++) {
            o[i] = ScalarMath.unary(op, a[i], p0, p1);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                              int n, float p0, float p1) {
        float[] a = of(x);
        float[] out = y == null ? null : of(y);
        float[] g = of(gy);
        float[] o = of(gx);
        for (int i = 0; i < n; i++) {
            o[i] = g[i] * ScalarMath.derivative(op, a[i], out == null ? Float.NaN : out[i], p0, p1);
        }
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, int[] aStrides, DeviceBuffer b, int[] bStrides,
                       DeviceBuffer out, int[] outShape) {
        float[] x = of(a);
        float[] y = of(b);
        float[] o = of(out);
        int rank = outShape.length;
        long total = 1;
        for (int dim : outShape) {
            total *= dim;
        }
        int[] idx = new int[rank];
        for (int e = 0; e < total; e++) {
            int ao = 0;
            int bo = 0;
            for (int k = 0; k < rank; k++) {
                ao += idx[k] * aStrides[k];
                bo += idx[k] * bStrides[k];
            }
            o[e] = ScalarMath.binary(op, x[ao], y[bo]);
            for (int k = rank - 1; k >= 0; k--) {
                if (++idx[k] < outShape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, DeviceBuffer x, float s, boolean scalarFirst, DeviceBuffer out, int n) {
        float[] a = of(x);
        float[] o = of(out);
        for (int i = 0; i < n; i++) {
            o[i] = scalarFirst ? ScalarMath.binary(op, s, a[i]) : ScalarMath.binary(op, a[i], s);
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner) {
        float[] a = of(x);
        float[] o = of(out);
        for (int p = 0; p < outer; p++) {
            for (int i = 0; i < inner; i++) {
                int base = p * n * inner + i;
                switch (op) {
                    case SUM -> {
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            s += a[base + j * inner];
                        }
                        o[p * inner + i] = (float) s;
                    }
                    case MAX -> {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            float v = a[base + j * inner];
                            if (v > m || Float.isNaN(v)) {
                                m = v;
                                if (Float.isNaN(v)) {
                                    break;
                                }
                            }
                        }
                        o[p * inner + i] = m;
                    }
                    case MIN -> {
                        float m = Float.POSITIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            float v = a[base + j * inner];
                            if (v < m || Float.isNaN(v)) {
                                m = v;
                                if (Float.isNaN(v)) {
                                    break;
                                }
                            }
                        }
                        o[p * inner + i] = m;
                    }
                }
            }
        }
    }

    @Override
    public void argReduce(boolean max, DeviceBuffer x, DeviceBuffer outIndex, int outer, int n, int inner) {
        float[] a = of(x);
        float[] o = of(outIndex);
        for (int p = 0; p < outer; p++) {
            for (int i = 0; i < inner; i++) {
                int base = p * n * inner + i;
                int best = 0;
                float bv = a[base];
                for (int j = 1; j < n; j++) {
                    float v = a[base + j * inner];
                    if (max ? v > bv : v < bv) {
                        bv = v;
                        best = j;
                    }
                }
                o[p * inner + i] = best;
            }
        }
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int aBatchStride,
                     DeviceBuffer b, int bOffset, int bBatchStride,
                     float beta, DeviceBuffer c, int cOffset, int cBatchStride) {
        float[] A = of(a);
        float[] B = of(b);
        float[] C = of(c);
        for (int t = 0; t < batch; t++) {
            int ao = aOffset + t * aBatchStride;
            int bo = bOffset + t * bBatchStride;
            int co = cOffset + t * cBatchStride;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        float av = transA ? A[ao + p * m + i] : A[ao + i * k + p];
                        float bv = transB ? B[bo + j * k + p] : B[bo + p * n + j];
                        s += (double) av * bv;
                    }
                    float prev = beta == 0f ? 0f : beta * C[co + i * n + j];
                    C[co + i * n + j] = (float) (alpha * s) + prev;
                }
            }
        }
    }

    @Override
    public void pairwiseSquaredDistances(DeviceBuffer x, DeviceBuffer out, int n, int d) {
        float[] a = of(x);
        float[] o = of(out);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double diff = a[i * d + k] - a[j * d + k];
                    s += diff * diff;
                }
                o[i * n + j] = (float) s;
            }
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer out, ConvGeometry g) {
        float[] X = of(x);
        float[] W = of(w);
        float[] B = bias == null ? null : of(bias);
        float[] Y = of(out);
        for (int nb = 0; nb < g.batch(); nb++) {
            for (int oc = 0; oc < g.outChannels(); oc++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        double s = B == null ? 0 : B[oc];
                        for (int ic = 0; ic < g.inChannels(); ic++) {
                            for (int ky = 0; ky < g.kH(); ky++) {
                                int iy = oy * g.strideH() - g.padH() + ky * g.dilationH();
                                if (iy < 0 || iy >= g.inH()) {
                                    continue;
                                }
                                for (int kx = 0; kx < g.kW(); kx++) {
                                    int ix = ox * g.strideW() - g.padW() + kx * g.dilationW();
                                    if (ix < 0 || ix >= g.inW()) {
                                        continue;
                                    }
                                    s += (double) X[((nb * g.inChannels() + ic) * g.inH() + iy) * g.inW() + ix]
                                            * W[((oc * g.inChannels() + ic) * g.kH() + ky) * g.kW() + kx];
                                }
                            }
                        }
                        Y[((nb * g.outChannels() + oc) * g.outH() + oy) * g.outW() + ox] = (float) s;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardInput(DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx, ConvGeometry g) {
        float[] GY = of(gy);
        float[] W = of(w);
        double[] acc = new double[g.batch() * g.inChannels() * g.inH() * g.inW()];
        for (int nb = 0; nb < g.batch(); nb++) {
            for (int oc = 0; oc < g.outChannels(); oc++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        float gv = GY[((nb * g.outChannels() + oc) * g.outH() + oy) * g.outW() + ox];
                        for (int ic = 0; ic < g.inChannels(); ic++) {
                            for (int ky = 0; ky < g.kH(); ky++) {
                                int iy = oy * g.strideH() - g.padH() + ky * g.dilationH();
                                if (iy < 0 || iy >= g.inH()) {
                                    continue;
                                }
                                for (int kx = 0; kx < g.kW(); kx++) {
                                    int ix = ox * g.strideW() - g.padW() + kx * g.dilationW();
                                    if (ix < 0 || ix >= g.inW()) {
                                        continue;
                                    }
                                    acc[((nb * g.inChannels() + ic) * g.inH() + iy) * g.inW() + ix] +=
                                            (double) gv * W[((oc * g.inChannels() + ic) * g.kH() + ky) * g.kW() + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        float[] GX = of(gx);
        for (int i = 0; i < acc.length; i++) {
            GX[i] = (float) acc[i];
        }
    }

    @Override
    public void conv2dBackwardWeight(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, ConvGeometry g) {
        float[] X = of(x);
        float[] GY = of(gy);
        float[] GW = of(gw);
        for (int oc = 0; oc < g.outChannels(); oc++) {
            for (int ic = 0; ic < g.inChannels(); ic++) {
                for (int ky = 0; ky < g.kH(); ky++) {
                    for (int kx = 0; kx < g.kW(); kx++) {
                        double s = 0;
                        for (int nb = 0; nb < g.batch(); nb++) {
                            for (int oy = 0; oy < g.outH(); oy++) {
                                int iy = oy * g.strideH() - g.padH() + ky * g.dilationH();
                                if (iy < 0 || iy >= g.inH()) {
                                    continue;
                                }
                                for (int ox = 0; ox < g.outW(); ox++) {
                                    int ix = ox * g.strideW() - g.padW() + kx * g.dilationW();
                                    if (ix < 0 || ix >= g.inW()) {
                                        continue;
                                    }
                                    s += (double) X[((nb * g.inChannels() + ic) * g.inH() + iy) * g.inW() + ix]
                                            * GY[((nb * g.outChannels() + oc) * g.outH() + oy) * g.outW() + ox];
                                }
                            }
                        }
                        GW[((oc * g.inChannels() + ic) * g.kH() + ky) * g.kW() + kx] = (float) s;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- pooling and resampling

    @Override
    public void maxPool2d(DeviceBuffer x, DeviceBuffer out, DeviceBuffer switches, PoolGeometry g) {
        float[] X = of(x);
        float[] Y = of(out);
        float[] S = switches == null ? null : of(switches);
        int plane = g.inH() * g.inW();
        for (int p = 0; p < g.planes(); p++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int where = -1;
                    for (int ky = 0; ky < g.kH(); ky++) {
                        int iy = oy * g.strideH() - g.padH() + ky;
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kW(); kx++) {
                            int ix = ox * g.strideW() - g.padW() + kx;
                            if (ix < 0 || ix >= g.inW()) {
                                continue;
                            }
                            float v = X[p * plane + iy * g.inW() + ix];
                            if (v > best || where < 0 || Float.isNaN(v)) {
                                best = v;
                                where = iy * g.inW() + ix;
                                if (Float.isNaN(v)) {
                                    break;
                                }
                            }
                        }
                    }
                    int o = (p * g.outH() + oy) * g.outW() + ox;
                    Y[o] = best;
                    if (S != null) {
                        S[o] = where;
                    }
                }
            }
        }
    }

    @Override
    public void maxPool2dBackward(DeviceBuffer gy, DeviceBuffer switches, DeviceBuffer gx, PoolGeometry g) {
        float[] GY = of(gy);
        float[] S = of(switches);
        float[] GX = of(gx);
        int plane = g.inH() * g.inW();
        java.util.Arrays.fill(GX, 0, g.planes() * plane, 0f);
        int outPlane = g.outH() * g.outW();
        for (int p = 0; p < g.planes(); p++) {
            for (int o = 0; o < outPlane; o++) {
                int where = (int) S[p * outPlane + o];
                if (where >= 0) {
                    GX[p * plane + where] += GY[p * outPlane + o];
                }
            }
        }
    }

    @Override
    public void avgPool2d(DeviceBuffer x, DeviceBuffer out, PoolGeometry g) {
        float[] X = of(x);
        float[] Y = of(out);
        float inv = 1f / (g.kH() * g.kW());
        double[] sums = new double[g.planes() * g.outH() * g.outW()];
        forEachWindowCell(g, (o, i) -> sums[o] += X[i]);
        for (int o = 0; o < sums.length; o++) {
            Y[o] = (float) sums[o] * inv;
        }
    }

    /** The adjoint of {@link #avgPool2d}: each output's gradient, divided by the window size, goes to every cell it averaged. */
    @Override
    public void avgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, PoolGeometry g) {
        float[] GY = of(gy);
        float[] GX = of(gx);
        java.util.Arrays.fill(GX, 0, g.planes() * g.inH() * g.inW(), 0f);
        float inv = 1f / (g.kH() * g.kW());
        forEachWindowCell(g, (o, i) -> GX[i] += GY[o] * inv);
    }

    /** A pair (output cell, input cell inside its window) of a pooling, both as flat indices. */
    @FunctionalInterface
    private interface WindowCell {
        void visit(int out, int in);
    }

    /**
     * Visits every output cell of a pooling and, for each, the input cells its window covers
     * (padding left out), window rows then columns: the one loop nest that average pooling and
     * its adjoint share, so that the two cannot disagree on which cells a window holds.
     */
    private static void forEachWindowCell(PoolGeometry g, WindowCell body) {
        int plane = g.inH() * g.inW();
        for (int p = 0; p < g.planes(); p++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    int o = (p * g.outH() + oy) * g.outW() + ox;
                    for (int ky = 0; ky < g.kH(); ky++) {
                        int iy = oy * g.strideH() - g.padH() + ky;
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kW(); kx++) {
                            int ix = ox * g.strideW() - g.padW() + kx;
                            if (ix >= 0 && ix < g.inW()) {
                                body.visit(o, p * plane + iy * g.inW() + ix);
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void upsample2d(UpsampleMode mode, DeviceBuffer x, DeviceBuffer out, int planes, int inH, int inW, int outH, int outW) {
        resample(mode, of(x), of(out), planes, inH, inW, outH, outW, false);
    }

    @Override
    public void upsample2dBackward(UpsampleMode mode, DeviceBuffer gy, DeviceBuffer gx, int planes, int inH, int inW, int outH, int outW) {
        float[] GX = of(gx);
        java.util.Arrays.fill(GX, 0, planes * inH * inW, 0f);
        resample(mode, GX, of(gy), planes, inH, inW, outH, outW, true);
    }

    /**
     * One loop for both directions so forward and adjoint share the index arithmetic: forward
     * gathers {@code small → big}; adjoint scatters {@code big → small}.
     */
    private static void resample(UpsampleMode mode, float[] small, float[] big, int planes, int inH, int inW,
                                 int outH, int outW, boolean adjoint) {
        float scaleH = (float) inH / outH;
        float scaleW = (float) inW / outW;
        for (int p = 0; p < planes; p++) {
            int si = p * inH * inW;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int o = (p * outH + oy) * outW + ox;
                    if (mode == UpsampleMode.NEAREST) {
                        int iy = Math.min((int) Math.floor(oy * scaleH), inH - 1);
                        int ix = Math.min((int) Math.floor(ox * scaleW), inW - 1);
                        if (adjoint) {
                            small[si + iy * inW + ix] += big[o];
                        } else {
                            big[o] = small[si + iy * inW + ix];
                        }
                    } else {
                        float sy = Math.max((oy + 0.5f) * scaleH - 0.5f, 0f);
                        float sx = Math.max((ox + 0.5f) * scaleW - 0.5f, 0f);
                        int y0 = (int) sy;
                        int x0 = (int) sx;
                        int y1 = y0 + (y0 < inH - 1 ? 1 : 0);
                        int x1 = x0 + (x0 < inW - 1 ? 1 : 0);
                        float ly = sy - y0;
                        float lx = sx - x0;
                        float hy = 1f - ly;
                        float hx = 1f - lx;
                        if (adjoint) {
                            float gv = big[o];
                            small[si + y0 * inW + x0] += hy * hx * gv;
                            small[si + y0 * inW + x1] += hy * lx * gv;
                            small[si + y1 * inW + x0] += ly * hx * gv;
                            small[si + y1 * inW + x1] += ly * lx * gv;
                        } else {
                            big[o] = hy * (hx * small[si + y0 * inW + x0] + lx * small[si + y0 * inW + x1])
                                    + ly * (hx * small[si + y1 * inW + x0] + lx * small[si + y1 * inW + x1]);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void softmax(DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner, boolean log) {
        float[] X = of(x);
        float[] Y = of(out);
        for (int p = 0; p < outer; p++) {
            for (int i = 0; i < inner; i++) {
                int base = p * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    m = Math.max(m, X[base + j * inner]);
                }
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += Math.exp(X[base + j * inner] - m);
                }
                double logS = Math.log(s);
                for (int j = 0; j < n; j++) {
                    double v = X[base + j * inner] - m;
                    Y[base + j * inner] = (float) (log ? v - logS : Math.exp(v) / s);
                }
            }
        }
    }

    @Override
    public void softmaxBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int outer, int n, int inner, boolean log) {
        float[] Y = of(y);
        float[] G = of(gy);
        float[] O = of(gx);
        for (int p = 0; p < outer; p++) {
            for (int i = 0; i < inner; i++) {
                int base = p * n * inner + i;
                double s = 0;
                for (int j = 0; j < n; j++) {
                    int q = base + j * inner;
                    s += log ? G[q] : (double) G[q] * Y[q];
                }
                for (int j = 0; j < n; j++) {
                    int q = base + j * inner;
                    O[q] = (float) (log ? G[q] - Math.exp(Y[q]) * s : Y[q] * (G[q] - s));
                }
            }
        }
    }

    @Override
    public void batchNormForward(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer out,
                                 DeviceBuffer mean, DeviceBuffer invStd, int n, int c, int hw, float eps) {
        float[] X = of(x);
        float[] Y = of(out);
        float[] G = gamma == null ? null : of(gamma);
        float[] B = beta == null ? null : of(beta);
        float[] M = of(mean);
        float[] S = of(invStd);
        int count = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    sum += X[(b * c + ch) * hw + i];
                }
            }
            double mu = sum / count;
            double ss = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    double d = X[(b * c + ch) * hw + i] - mu;
                    ss += d * d;
                }
            }
            double inv = 1.0 / Math.sqrt(ss / count + eps);
            M[ch] = (float) mu;
            S[ch] = (float) inv;
            double scale = (G == null ? 1.0 : G[ch]) * inv;
            double shift = B == null ? 0.0 : B[ch];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    int q = (b * c + ch) * hw + i;
                    Y[q] = (float) ((X[q] - mu) * scale + shift);
                }
            }
        }
    }

    @Override
    public void batchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer invStd,
                                  DeviceBuffer gx, DeviceBuffer gGamma, DeviceBuffer gBeta, int n, int c, int hw) {
        float[] X = of(x);
        float[] GY = of(gy);
        float[] G = gamma == null ? null : of(gamma);
        float[] M = of(mean);
        float[] S = of(invStd);
        float[] GX = of(gx);
        float[] GG = gGamma == null ? null : of(gGamma);
        float[] GB = gBeta == null ? null : of(gBeta);
        int count = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double sumG = 0;
            double sumGX = 0;
            double mu = M[ch];
            double inv = S[ch];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    int q = (b * c + ch) * hw + i;
                    sumG += GY[q];
                    sumGX += GY[q] * (X[q] - mu) * inv;
                }
            }
            if (GG != null) {
                GG[ch] = (float) sumGX;
            }
            if (GB != null) {
                GB[ch] = (float) sumG;
            }
            double gam = G == null ? 1.0 : G[ch];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    int q = (b * c + ch) * hw + i;
                    double xhat = (X[q] - mu) * inv;
                    GX[q] = (float) (gam * inv * (GY[q] - sumG / count - xhat * sumGX / count));
                }
            }
        }
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void gather(DeviceBuffer x, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k) {
        float[] X = of(x);
        float[] I = of(index);
        float[] O = of(out);
        for (int p = 0; p < outer; p++) {
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < inner; i++) {
                    int q = (p * k + j) * inner + i;
                    int at = checkIndex((int) I[q], n, "gather");
                    O[q] = X[(p * n + at) * inner + i];
                }
            }
        }
    }

    @Override
    public void scatterAdd(DeviceBuffer src, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k) {
        float[] S = of(src);
        float[] I = of(index);
        float[] O = of(out);
        for (int p = 0; p < outer; p++) {
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < inner; i++) {
                    int q = (p * k + j) * inner + i;
                    int at = checkIndex((int) I[q], n, "scatterAdd");
                    O[(p * n + at) * inner + i] += S[q];
                }
            }
        }
    }

    private static int checkIndex(int at, int n, String op) {
        if (at < 0 || at >= n) {
            throw new IndexOutOfBoundsException(op + ": index " + at + " out of range [0, " + n + ")");
        }
        return at;
    }

    // ---------------------------------------------------------------- random fills

    @Override
    public void randomUniform(DeviceBuffer out, int n, long seed, long offset, float lo, float hi) {
        float[] o = of(out);
        for (int i = 0; i < n; i++) {
            o[i] = Philox.uniform(seed, offset + i, lo, hi);
        }
    }

    @Override
    public void randomNormal(DeviceBuffer out, int n, long seed, long offset, float mean, float std) {
        float[] o = of(out);
        for (int i = 0; i < n; i++) {
            o[i] = mean + std * Philox.normal(seed, offset + i);
        }
    }

    @Override
    public void randomBernoulli(DeviceBuffer out, int n, long seed, long offset, float p) {
        float[] o = of(out);
        for (int i = 0; i < n; i++) {
            o[i] = Philox.bernoulli(seed, offset + i, p);
        }
    }

    // ---------------------------------------------------------------- optimiser steps

    @Override
    public void adamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer vMax,
                         int n, AdamConfig cfg) {
        float[] P = of(param);
        float[] G = of(grad);
        float[] M = of(m);
        float[] V = of(v);
        float[] VM = vMax == null ? null : of(vMax);
        for (int i = 0; i < n; i++) {
            P[i] = OptimizerMath.adam(P, G, M, V, VM, i, cfg);
        }
    }

    @Override
    public void sgdStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer momentumBuffer, int n, SgdConfig cfg) {
        float[] P = of(param);
        float[] G = of(grad);
        float[] B = momentumBuffer == null ? null : of(momentumBuffer);
        for (int i = 0; i < n; i++) {
            P[i] = OptimizerMath.sgd(P, G, B, i, cfg);
        }
    }
}
