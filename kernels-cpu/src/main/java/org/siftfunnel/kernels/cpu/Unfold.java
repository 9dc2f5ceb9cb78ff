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
 *
 * <p>Stride-1 "same-width" convolutions (outW = inW, the 3×3 pad-1 layers of every CNN here) of
 * whole images take a faster route: their im2col row for tap (c, ky, kx) is the input plane
 * shifted by {@code dy·W + dx}, so it is one flat copy (or addition) of up to a whole plane,
 * after which the few entries that wrapped around a row edge are zeroed. On the 4×4 to 16×16
 * planes of the deep layers this replaces many row-sized loops with one long one.
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
        if (p0 == 0 && t == g.outH() * g.outW() && g.strideH() == 1 && g.strideW() == 1 && g.outW() == g.inW()) {
            shifted(g, image, imageOff, col, colOff, ld, c0, c1, adjoint);
            return;
        }
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

    /**
     * The whole-image, stride-1, outW = inW case of {@link #run}: output pixel q = oy·W + ox of
     * tap (c, ky, kx) reads input q + dy·W + dx of plane c, which is the right pixel exactly when
     * the input row oy + dy is inside the image and ox lies in the tap's valid column range; the
     * other entries are zeroed (im2col: after the flat copy; col2im: in the column matrix, which
     * is scratch, before the flat addition).
     */
    private static void shifted(ConvGeometry g, float[] image, int imageOff, float[] col, int colOff, int ld,
                                int c0, int c1, boolean adjoint) {
        int h = g.inH();
        int w = g.inW();
        int outH = g.outH();
        int planeSize = h * w;
        int kH = g.kH();
        int kW = g.kW();
        for (int c = c0; c < c1; c++) {
            int plane = imageOff + c * planeSize;
            for (int ky = 0; ky < kH; ky++) {
                int dy = ky * g.dilationH() - g.padH();
                int oyLo = Math.clamp(-dy, 0, outH);
                int oyHi = Math.clamp(h - dy, oyLo, outH);
                for (int kx = 0; kx < kW; kx++) {
                    int dx = kx * g.dilationW() - g.padW();
                    int validLo = Math.clamp(-dx, 0, w);
                    int validHi = Math.clamp(w - dx, validLo, w);
                    int row = colOff + ((c * kH + ky) * kW + kx) * ld;
                    int shift = dy * w + dx;
                    int qLo = oyLo * w;
                    int qHi = oyHi * w;
                    // Entries whose source index falls inside the plane at all.
                    int a = Math.clamp(-shift, qLo, qHi);
                    int b = Math.clamp(planeSize - shift, a, qHi);
                    if (adjoint) {
                        zeroEdges(col, row, w, oyLo, oyHi, validLo, validHi);
                        for (int q = a; q < b; q++) {
                            image[plane + shift + q] += col[row + q];
                        }
                    } else {
                        zero(col, row, a);
                        System.arraycopy(image, plane + shift + a, col, row + a, b - a);
                        zero(col, row + b, outH * w - b);
                        zeroEdges(col, row, w, oyLo, oyHi, validLo, validHi);
                    }
                }
            }
        }
    }

    /**
     * Zeroes columns [0, validLo) and [validHi, w) of rows [oyLo, oyHi) of a row-major block of
     * width w. Column by column: the edges are one or two columns wide, so this is a few loops
     * over the rows instead of two tiny loops per row.
     */
    private static void zeroEdges(float[] col, int row, int w, int oyLo, int oyHi, int validLo, int validHi) {
        int first = row + oyLo * w;
        int end = row + oyHi * w;
        for (int i = 0; i < validLo; i++) {
            for (int at = first + i; at < end; at += w) {
                col[at] = 0f;
            }
        }
        for (int i = validHi; i < w; i++) {
            for (int at = first + i; at < end; at += w) {
                col[at] = 0f;
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
