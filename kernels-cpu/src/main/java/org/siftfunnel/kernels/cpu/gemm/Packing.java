package org.siftfunnel.kernels.cpu.gemm;

import java.util.Arrays;

/**
 * Copies blocks of the operands into the micro-panel layout the micro-kernel streams through.
 *
 * <p>Operands are described by strides, which is how transposes are handled: element
 * {@code A(i,p)} of op(A) is {@code a[aOff + i·aRowStride + p·aColStride]}, so a transposed A
 * simply swaps the two strides. The packed layouts are:
 * <ul>
 *   <li>A block (mc×kc): panels of {@code mr} rows; panel {@code q} starts at {@code q·mr·kc}
 *       and holds, for each p, the {@code mr} values of column p ({@code dst[q·mr·kc + p·mr + r]}).</li>
 *   <li>B block (kc×nc): panels of {@code nr} columns; {@code dst[q·nr·kc + p·nr + j]}.</li>
 * </ul>
 * Both are the same operation on "lines" (rows of A, columns of B) of {@code kc} elements,
 * which {@link #packLines} implements once. The last panel is padded with zeros, so the
 * micro-kernel always computes a full tile and the padding contributes nothing.
 */
final class Packing {

    private Packing() {
    }

    /**
     * Packs rows {@code [i0, i0+mc)} and columns {@code [p0, p0+kc)} of op(A) into panels of
     * {@code mr} rows, starting at {@code dst[0]}.
     */
    static void packA(float[] a, int aOff, int aRowStride, int aColStride,
                      int i0, int mc, int p0, int kc, int mr, float[] dst) {
        packLines(a, aOff + i0 * aRowStride + p0 * aColStride, aRowStride, aColStride, mc, kc, mr, dst, 0);
    }

    /**
     * Packs rows {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B) into panels of
     * {@code nr} columns, starting at {@code dst[dstOff]}.
     */
    static void packB(float[] b, int bOff, int bRowStride, int bColStride,
                      int p0, int kc, int j0, int nc, int nr, float[] dst, int dstOff) {
        packLines(b, bOff + p0 * bRowStride + j0 * bColStride, bColStride, bRowStride, nc, kc, nr, dst, dstOff);
    }

    /**
     * {@code dst[dstOff + q·w·kc + p·w + r] = src[first + (q·w + r)·lineStride + p·elementStride]}
     * for {@code q·w + r < lines}, {@code p < kc}; zero for the padding lines of the last panel.
     */
    static void packLines(float[] src, int first, int lineStride, int elementStride,
                          int lines, int kc, int w, float[] dst, int dstOff) {
        for (int q = 0; q * w < lines; q++) {
            int count = Math.min(w, lines - q * w);
            int base = dstOff + q * w * kc;
            int start = first + q * w * lineStride;
            if (lineStride == 1) {
                // The w values needed at each p are adjacent in the source: one copy per p.
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(src, start + p * elementStride, dst, base + p * w, count);
                }
            } else if (elementStride == 1) {
                // Each line is contiguous: read four lines side by side, scattering with stride w.
                // Four at a time halves the time of one at a time (more independent stores in flight).
                int r = 0;
                for (; r + 4 <= count; r += 4) {
                    int s0 = start + r * lineStride;
                    int s1 = s0 + lineStride;
                    int s2 = s1 + lineStride;
                    int s3 = s2 + lineStride;
                    int d = base + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d] = src[s0 + p];
                        dst[d + 1] = src[s1 + p];
                        dst[d + 2] = src[s2 + p];
                        dst[d + 3] = src[s3 + p];
                        d += w;
                    }
                }
                for (; r < count; r++) {
                    int s = start + r * lineStride;
                    int d = base + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d] = src[s + p];
                        d += w;
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = start + p * elementStride;
                    int d = base + p * w;
                    for (int r = 0; r < count; r++) {
                        dst[d + r] = src[s + r * lineStride];
                    }
                }
            }
            if (count < w) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(dst, base + p * w + count, base + (p + 1) * w, 0f);
                }
            }
        }
    }
}
