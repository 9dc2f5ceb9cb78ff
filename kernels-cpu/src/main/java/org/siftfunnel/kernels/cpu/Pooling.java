package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.PoolGeometry;

/**
 * Max and average pooling and their adjoints, plane by plane (planes spread over the
 * threads). Windows are small (2×2, 3×3) and strided, which mostly suits scalar loops;
 * tie-breaking, NaN handling and padding follow the reference backend exactly. The 2×2,
 * stride-2, unpadded max pooling of every CNN block goes a row of outputs at a time through the
 * SIMD kernels ({@link ArrayKernels#maxPool2x2Row}), without the general loop's bounds tests.
 */
final class Pooling {

    private final Parallel parallel;
    private final ArrayKernels kernels;

    Pooling(Parallel parallel, ArrayKernels kernels) {
        this.parallel = parallel;
        this.kernels = kernels;
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
     * window exist), a row of outputs at a time through {@link ArrayKernels#maxPool2x2Row}, which
     * keeps the general loop's tie and NaN rules.
     */
    private void maxPlane2x2(float[] x, float[] y, float[] switches, PoolGeometry g, int p) {
        int inW = g.inW();
        int outW = g.outW();
        int plane = p * g.inH() * inW;
        for (int oy = 0; oy < g.outH(); oy++) {
            int top = 2 * oy * inW;
            kernels.maxPool2x2Row(x, plane + top, inW, y, (p * g.outH() + oy) * outW, switches, top, 0, outW);
        }
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
