package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.PoolGeometry;

/**
 * Max and average pooling and their adjoints, plane by plane (planes spread over the
 * threads). Windows are small (2×2, 3×3) and strided, which mostly suits scalar loops;
 * tie-breaking, NaN handling and padding follow the reference backend exactly. The 2×2,
 * stride-2, unpadded max pooling of every CNN block goes a row of outputs at a time through the
 * SIMD kernels ({@link ArrayKernels#maxPool2x2Rows}), without the general loop's bounds tests.
 */
final class Pooling {

    private final Parallel parallel;
    private final ArrayKernels kernels;
    /** Floats per vector of {@link #kernels} (1 for the scalar kernels). */
    private final int lanes;

    Pooling(Parallel parallel, ArrayKernels kernels) {
        this.parallel = parallel;
        this.kernels = kernels;
        this.lanes = Math.max(1, kernels.vectorBits() / Float.SIZE);
    }

    private static long work(PoolGeometry g) {
        return (long) g.outH() * g.outW() * g.kH() * g.kW();
    }

    void maxPool(float[] x, float[] y, float[] switches, PoolGeometry g) {
        boolean pairs = g.kH() == 2 && g.kW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.padH() == 0 && g.padW() == 0;
        parallel.forRange(g.planes(), work(g), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                if (pairs) {
                    maxPlane2x2(x, y, switches, g, p);
                } else {
                    maxPlane(x, y, switches, g, p);
                }
            }
        });
    }

    /**
     * {@link #maxPlane} for 2×2 windows at stride 2 without padding (all four inputs of every
     * window exist), with the general loop's tie and NaN rules, a plane at a time: through the
     * SIMD kernels ({@link ArrayKernels#maxPool2x2Rows}) when a row of outputs fills a vector,
     * else in {@link #scalarPlane2x2}. Measured on the CNN's four pooling shapes at batch 64
     * ([64·C, H, H] for H = 32, 16, 8, 4; 2 threads, AVX-512, quiet, two alternating runs each,
     * session 8): 32×32 went from 3.4–3.5 ms to 0.64–0.67 ms, the others stayed at 1.7–1.8, 1.0–1.1
     * and 0.6–0.7 ms. Through the kernel interface's scalar code those smaller planes took twice
     * as long as in this loop, so they stay here. The first call costs about 0.8 s instead of
     * 0.1 s while the JIT has not compiled the vector code yet.
     */
    private void maxPlane2x2(float[] x, float[] y, float[] switches, PoolGeometry g, int p) {
        int inW = g.inW();
        int outW = g.outW();
        int r0 = p * g.inH() * inW;
        int o = p * g.outH() * outW;
        if (lanes > 1 && outW >= lanes) {
            kernels.maxPool2x2Rows(x, r0, inW, g.outH(), y, o, outW, switches, 0);
        } else {
            scalarPlane2x2(x, y, switches, g, p);
        }
    }

    /**
     * {@link #maxPlane2x2} in scalar code. The visiting order, and so the choice among ties, is the general loop's:
     * a, b on the first row, then c, d on the second, a later value winning only if strictly
     * greater; that is the winner of (a, b), then of (c, d), then of the two. Without NaN the
     * choices are made with integer selects on the float bits, which compile to conditional
     * moves: on real data each comparison is a coin toss that a branch would mispredict half of
     * the time. Windows holding a NaN take the general loop's exact path.
     */
    private static void scalarPlane2x2(float[] x, float[] y, float[] switches, PoolGeometry g, int p) {
        int inW = g.inW();
        int outW = g.outW();
        int plane = p * g.inH() * inW;
        for (int oy = 0; oy < g.outH(); oy++) {
            int top = 2 * oy * inW;
            int r0 = plane + top;
            int r1 = r0 + inW;
            int o = (p * g.outH() + oy) * outW;
            for (int ox = 0; ox < outW; ox++, o++) {
                int i = 2 * ox;
                float a = x[r0 + i];
                float b = x[r0 + i + 1];
                float c = x[r1 + i];
                float d = x[r1 + i + 1];
                float best;
                int where;
                if (Float.isNaN(a) | Float.isNaN(b) | Float.isNaN(c) | Float.isNaN(d)) {
                    where = windowWithNaN(a, b, c, d, inW);
                    best = where == 0 ? a : where == 1 ? b : where == inW ? c : d;
                } else {
                    int takeB = b > a ? -1 : 0;
                    int top2 = (Float.floatToRawIntBits(b) & takeB) | (Float.floatToRawIntBits(a) & ~takeB);
                    int takeD = d > c ? -1 : 0;
                    int bottom2 = (Float.floatToRawIntBits(d) & takeD) | (Float.floatToRawIntBits(c) & ~takeD);
                    int takeBottom = Float.intBitsToFloat(bottom2) > Float.intBitsToFloat(top2) ? -1 : 0;
                    best = Float.intBitsToFloat((bottom2 & takeBottom) | (top2 & ~takeBottom));
                    where = ((inW + (takeD & 1)) & takeBottom) | ((takeB & 1) & ~takeBottom);
                }
                y[o] = best;
                if (switches != null) {
                    switches[o] = top + i + where;
                }
            }
        }
    }

    /** The general loop's choice in a 2×2 window holding a NaN: offset 0, 1, inW or inW + 1. */
    private static int windowWithNaN(float a, float b, float c, float d, int inW) {
        float best = a;
        int where = 0;
        if (!Float.isNaN(a) && (b > best || Float.isNaN(b))) {
            best = b;
            where = 1;
        }
        if (c > best || Float.isNaN(c)) {
            best = c;
            where = inW;
            if (Float.isNaN(c)) {
                return where;
            }
        }
        if (d > best || Float.isNaN(d)) {
            where = inW + 1;
        }
        return where;
    }

    private static void maxPlane(float[] x, float[] y, float[] switches, PoolGeometry g, int p) {
        int inH = g.inH();
        int inW = g.inW();
        int plane = p * inH * inW;
        for (int oy = 0; oy < g.outH(); oy++) {
            int o = (p * g.outH() + oy) * g.outW();
            for (int ox = 0; ox < g.outW(); ox++, o++) {
                float best = Float.NEGATIVE_INFINITY;
                int where = -1;
                for (int ky = 0; ky < g.kH(); ky++) {
                    int iy = oy * g.strideH() - g.padH() + ky;
                    if (iy < 0 || iy >= inH) {
                        continue;
                    }
                    for (int kx = 0; kx < g.kW(); kx++) {
                        int ix = ox * g.strideW() - g.padW() + kx;
                        if (ix < 0 || ix >= inW) {
                            continue;
                        }
                        float v = x[plane + iy * inW + ix];
                        // The first maximum wins; NaN wins over everything (as in the reference).
                        if (v > best || where < 0 || Float.isNaN(v)) {
                            best = v;
                            where = iy * inW + ix;
                            if (Float.isNaN(v)) {
                                break;
                            }
                        }
                    }
                }
                y[o] = best;
                if (switches != null) {
                    switches[o] = where;
                }
            }
        }
    }

    void maxPoolBackward(float[] gy, float[] switches, float[] gx, PoolGeometry g) {
        int plane = g.inH() * g.inW();
        int outPlane = g.outH() * g.outW();
        parallel.forRange(g.planes(), plane + outPlane, (p0, p1) -> {
            Arrays.fill(gx, p0 * plane, p1 * plane, 0f);
            for (int p = p0; p < p1; p++) {
                for (int o = p * outPlane; o < (p + 1) * outPlane; o++) {
                    int where = (int) switches[o];
                    if (where >= 0) {
                        gx[p * plane + where] += gy[o];
                    }
                }
            }
        });
    }

    void avgPool(float[] x, float[] y, PoolGeometry g) {
        float inv = 1f / (g.kH() * g.kW());
        parallel.forRange(g.planes(), work(g), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int plane = p * g.inH() * g.inW();
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        double s = 0;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padH() + ky;
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            int rowAt = plane + iy * g.inW();
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padW() + kx;
                                if (ix >= 0 && ix < g.inW()) {
                                    s += x[rowAt + ix];
                                }
                            }
                        }
                        y[(p * g.outH() + oy) * g.outW() + ox] = (float) s * inv;
                    }
                }
            }
        });
    }

    void avgPoolBackward(float[] gy, float[] gx, PoolGeometry g) {
        int plane = g.inH() * g.inW();
        float inv = 1f / (g.kH() * g.kW());
        parallel.forRange(g.planes(), work(g), (p0, p1) -> {
            Arrays.fill(gx, p0 * plane, p1 * plane, 0f);
            for (int p = p0; p < p1; p++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        float v = gy[(p * g.outH() + oy) * g.outW() + ox] * inv;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padH() + ky;
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            int rowAt = p * plane + iy * g.inW();
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padW() + kx;
                                if (ix >= 0 && ix < g.inW()) {
                                    gx[rowAt + ix] += v;
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
