package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.UpsampleMode;

/**
 * Nearest and bilinear (align_corners=false) resampling and its adjoint, plane by plane over
 * the threads. The index and weight arithmetic is the reference backend's, float for float,
 * so both backends pick the same source pixels.
 */
final class Resampling {

    private final Parallel parallel;

    Resampling(Parallel parallel) {
        this.parallel = parallel;
    }

    void forward(UpsampleMode mode, float[] x, float[] y, int planes, int inH, int inW, int outH, int outW) {
        parallel.forRange(planes, (long) outH * outW * 4, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                resamplePlane(mode, x, y, p, inH, inW, outH, outW, false);
            }
        });
    }

    void backward(UpsampleMode mode, float[] gy, float[] gx, int planes, int inH, int inW, int outH, int outW) {
        parallel.forRange(planes, (long) outH * outW * 4, (p0, p1) -> {
            Arrays.fill(gx, p0 * inH * inW, p1 * inH * inW, 0f);
            for (int p = p0; p < p1; p++) {
                resamplePlane(mode, gx, gy, p, inH, inW, outH, outW, true);
            }
        });
    }

    /** Forward gathers {@code small → big}; the adjoint scatters {@code big → small} (planes are disjoint). */
    private static void resamplePlane(UpsampleMode mode, float[] small, float[] big, int p, int inH, int inW,
                                      int outH, int outW, boolean adjoint) {
        float scaleH = (float) inH / outH;
        float scaleW = (float) inW / outW;
        int si = p * inH * inW;
        for (int oy = 0; oy < outH; oy++) {
            int o = (p * outH + oy) * outW;
            if (mode == UpsampleMode.NEAREST) {
                int rowAt = si + Math.min((int) Math.floor(oy * scaleH), inH - 1) * inW;
                for (int ox = 0; ox < outW; ox++, o++) {
                    int at = rowAt + Math.min((int) Math.floor(ox * scaleW), inW - 1);
                    if (adjoint) {
                        small[at] += big[o];
                    } else {
                        big[o] = small[at];
                    }
                }
                continue;
            }
            float sy = Math.max((oy + 0.5f) * scaleH - 0.5f, 0f);
            int y0 = (int) sy;
            int y1 = y0 + (y0 < inH - 1 ? 1 : 0);
            float ly = sy - y0;
            float hy = 1f - ly;
            int row0 = si + y0 * inW;
            int row1 = si + y1 * inW;
            for (int ox = 0; ox < outW; ox++, o++) {
                float sx = Math.max((ox + 0.5f) * scaleW - 0.5f, 0f);
                int x0 = (int) sx;
                int x1 = x0 + (x0 < inW - 1 ? 1 : 0);
                float lx = sx - x0;
                float hx = 1f - lx;
                if (adjoint) {
                    float gv = big[o];
                    small[row0 + x0] += hy * hx * gv;
                    small[row0 + x1] += hy * lx * gv;
                    small[row1 + x0] += ly * hx * gv;
                    small[row1 + x1] += ly * lx * gv;
                } else {
                    big[o] = hy * (hx * small[row0 + x0] + lx * small[row0 + x1])
                            + ly * (hx * small[row1 + x0] + lx * small[row1 + x1]);
                }
            }
        }
    }
}
