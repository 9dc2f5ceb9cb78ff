package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.ConvGeometry;

/**
 * im2col and its adjoint col2im for one image, into (or from) a block of columns of a larger
 * column matrix: row {@code r = (c·kH + ky)·kW + kx} of the block holds, for every output pixel
 * {@code q} of {@code [p0, p0+t)}, the input value under kernel offset (ky, kx) of channel c at
 * that pixel, stored at {@code col[colOff + r·ld + (q − p0)]}. With {@code ld} larger than
 * {@code t}, several images sit side by side in one matrix, which is how the convolution runs
 * one GEMM for a whole group of images.
 *
 * <p>Both directions walk the same index space: for each (c, ky, kx) the output columns whose
 * input column lies inside the image are computed once ({@code [validLo, validHi)}), so the
 * inner loops are plain copies or additions without bounds tests, which C2 vectorises when the
 * stride is 1.
 */
final class Unfold {

    private Unfold() {
    }

    /**
     * im2col ({@code adjoint == false}: fills the block, zeros where the kernel hangs over the
     * padding) or col2im ({@code adjoint == true}: adds the block back onto the image, which the
     * caller has zeroed or wants accumulated into), for channels {@code [c0, c1)}.
     */
    static void run(ConvGeometry g, float[] image, int imageOff, int p0, int t, float[] col, int colOff, int ld,
                    int c0, int c1, boolean adjoint) {
        int inH = g.inH();
        int inW = g.inW();
        int outW = g.outW();
        int sH = g.strideH();
        int sW = g.strideW();
        int kH = g.kH();
        int kW = g.kW();
        for (int c = c0; c < c1; c++) {
            int plane = imageOff + c * inH * inW;
            for (int ky = 0; ky < kH; ky++) {
                int dy = ky * g.dilationH() - g.padH();
                for (int kx = 0; kx < kW; kx++) {
                    int dx = kx * g.dilationW() - g.padW();
                    // Output columns whose input column ox·sW + dx lies inside the image.
                    int validLo = Math.clamp(Math.ceilDiv(-dx, sW), 0, outW);
                    int validHi = Math.clamp(Math.floorDiv(inW - 1 - dx, sW) + 1, validLo, outW);
                    int row = colOff + ((c * kH + ky) * kW + kx) * ld;
                    int oy = p0 / outW;
                    int ox = p0 - oy * outW;
                    for (int done = 0; done < t; oy++) {
                        int segEnd = Math.min(outW, ox + t - done);
                        int iy = oy * sH + dy;
                        int at = row + done;
                        if (iy < 0 || iy >= inH) {
                            if (!adjoint) {
                                zero(col, at, segEnd - ox);
                            }
                        } else {
                            int lo = Math.clamp(validLo, ox, segEnd);
                            int hi = Math.clamp(validHi, lo, segEnd);
                            int src = plane + iy * inW + lo * sW + dx;
                            int dst = at + lo - ox;
                            if (adjoint) {
                                addRun(col, dst, image, src, sW, hi - lo);
                            } else {
                                zero(col, at, lo - ox);
                                copyRun(image, src, sW, col, dst, hi - lo);
                                zero(col, dst + hi - lo, segEnd - hi);
                            }
                        }
                        done += segEnd - ox;
                        ox = 0;
                    }
                }
            }
        }
    }

    private static void zero(float[] a, int from, int n) {
        for (int i = 0; i < n; i++) {
            a[from + i] = 0f;
        }
    }

    private static void copyRun(float[] image, int src, int step, float[] col, int dst, int n) {
        if (step == 1) {
            for (int i = 0; i < n; i++) {
                col[dst + i] = image[src + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                col[dst + i] = image[src + i * step];
            }
        }
    }

    private static void addRun(float[] col, int from, float[] image, int to, int step, int n) {
        if (step == 1) {
            for (int i = 0; i < n; i++) {
                image[to + i] += col[from + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                image[to + i * step] += col[from + i];
            }
        }
    }
}
