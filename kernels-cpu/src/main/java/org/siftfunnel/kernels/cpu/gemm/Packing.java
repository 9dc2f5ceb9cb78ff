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
 * The last panel is padded with zeros, so the micro-kernel always computes a full tile and
 * the padding contributes nothing.
 */
final class Packing {

    private Packing() {
    }

    /** Packs rows {@code [i0, i0+mc)} and columns {@code [p0, p0+kc)} of op(A). */
    static void packA(float[] a, int aOff, int aRowStride, int aColStride,
                      int i0, int mc, int p0, int kc, int mr, float[] dst) {
        for (int q = 0; q * mr < mc; q++) {
            int rows = Math.min(mr, mc - q * mr);
            int base = q * mr * kc;
            int first = aOff + (i0 + q * mr) * aRowStride + p0 * aColStride;
            if (aRowStride == 1) {
                // Transposed A: the mr values of one column are contiguous.
                for (int p = 0; p < kc; p++) {
                    int d = base + p * mr;
                    System.arraycopy(a, first + p * aColStride, dst, d, rows);
                    if (rows < mr) {
                        Arrays.fill(dst, d + rows, d + mr, 0f);
                    }
                }
            } else {
                // Row-major A: walk each row contiguously, scattering with stride mr.
                for (int r = 0; r < rows; r++) {
                    int s = first + r * aRowStride;
                    int d = base + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d] = a[s];
                        s += aColStride;
                        d += mr;
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs rows {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B). */
    static void packB(float[] b, int bOff, int bRowStride, int bColStride,
                      int p0, int kc, int j0, int nc, int nr, float[] dst) {
        for (int q = 0; q * nr < nc; q++) {
            int cols = Math.min(nr, nc - q * nr);
            int base = q * nr * kc;
            int first = bOff + p0 * bRowStride + (j0 + q * nr) * bColStride;
            if (bColStride == 1) {
                // Row-major B: each packed row is one contiguous run of the source row.
                for (int p = 0; p < kc; p++) {
                    int d = base + p * nr;
                    System.arraycopy(b, first + p * bRowStride, dst, d, cols);
                    if (cols < nr) {
                        Arrays.fill(dst, d + cols, d + nr, 0f);
                    }
                }
            } else {
                // Transposed B: walk each column contiguously, scattering with stride nr.
                for (int j = 0; j < cols; j++) {
                    int s = first + j * bColStride;
                    int d = base + j;
                    for (int p = 0; p < kc; p++) {
                        dst[d] = b[s];
                        s += bRowStride;
                        d += nr;
                    }
                }
                for (int j = cols; j < nr; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * nr + j] = 0f;
                    }
                }
            }
        }
    }
}
