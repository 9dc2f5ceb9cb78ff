package org.siftfunnel.kernels.cpu;

/**
 * The cpu backend's {@code copyStrided}: a copy between two strided views of the same shape,
 * which is how permutes, slices, pads and concatenations materialise.
 *
 * <p>After {@link StridedLayout} has merged what can be merged, most copies are rows that are
 * contiguous on both sides, and are copied row by row. A permute that moves the source's
 * contiguous axis away from the end (for example [N, C, H, W] → [N, W, H, C]) instead leaves
 * rows that read one element per cache line; those copies run as blocked transposes of the two
 * axes involved: {@value #BLOCK}×{@value #BLOCK} tiles that read source lines and write
 * destination lines whole.
 */
final class StridedCopy {

    /** Side of a transpose tile: 16 × 16 floats read 16 source lines and write 16 destination lines. */
    static final int BLOCK = 16;

    private StridedCopy() {
    }

    static void copy(Parallel parallel, float[] s, int srcOffset, int[] srcStrides, float[] d, int dstOffset,
                     int[] dstStrides, int[] shape) {
        StridedLayout layout = StridedLayout.of(shape, srcStrides, dstStrides);
        int axis = transposeAxis(layout);
        if (axis >= 0) {
            transpose(parallel, layout, axis, s, srcOffset, d, dstOffset);
        } else {
            rows(parallel, layout, s, srcOffset, d, dstOffset);
        }
    }

    /**
     * The axis along which the source is contiguous when the destination is contiguous along the
     * last axis but the source is not: the second axis of a blocked transpose; -1 when the rows
     * copy well as they are.
     */
    private static int transposeAxis(StridedLayout l) {
        int last = l.rank() - 1;
        if (l.stride(1, last) != 1 || l.stride(0, last) == 1 || l.size(last) < 2) {
            return -1;
        }
        for (int k = last - 1; k >= 0; k--) {
            if (l.stride(0, k) == 1 && l.size(k) >= 2) {
                return k;
            }
        }
        return -1;
    }

    private static void rows(Parallel parallel, StridedLayout layout, float[] s, int srcOffset, float[] d, int dstOffset) {
        int len = layout.rowLength();
        int ss = layout.rowStride(0);
        int ds = layout.rowStride(1);
        parallel.forRange(layout.rows(), len, (from, to) -> {
            int[] at = new int[2];
            StridedLayout.Cursor cursor = layout.cursor(from, at);
            for (int row = from; row < to; row++, cursor.next()) {
                int so = srcOffset + at[0];
                int dof = dstOffset + at[1];
                if (ss == 1 && ds == 1) {
                    if (len >= 32) {
                        System.arraycopy(s, so, d, dof, len);
                    } else {
                        for (int i = 0; i < len; i++) {
                            d[dof + i] = s[so + i];
                        }
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        d[dof + i * ds] = s[so + i * ss];
                    }
                }
            }
        });
    }

    /**
     * Blocked transpose between axis {@code a} (source stride 1) and the last axis (destination
     * stride 1), for every index of the other axes (which are spread over the threads).
     */
    private static void transpose(Parallel parallel, StridedLayout l, int a, float[] s, int srcOffset, float[] d,
                                  int dstOffset) {
        int last = l.rank() - 1;
        int outerRank = l.rank() - 2;
        int[] outerSize = new int[outerRank];
        int[] outerSrc = new int[outerRank];
        int[] outerDst = new int[outerRank];
        int outer = 1;
        for (int k = 0, o = 0; k < last; k++) {
            if (k == a) {
                continue;
            }
            outerSize[o] = l.size(k);
            outerSrc[o] = l.stride(0, k);
            outerDst[o] = l.stride(1, k);
            outer *= l.size(k);
            o++;
        }
        int na = l.size(a);
        int nl = l.size(last);
        int srcStep = l.stride(0, last);
        int dstStep = l.stride(1, a);
        parallel.forRange(outer, (long) na * nl, (from, to) -> {
            for (int q = from; q < to; q++) {
                int so = srcOffset;
                int dof = dstOffset;
                int rest = q;
                for (int o = outerRank - 1; o >= 0; o--) {
                    int i = rest % outerSize[o];
                    rest /= outerSize[o];
                    so += i * outerSrc[o];
                    dof += i * outerDst[o];
                }
                for (int i0 = 0; i0 < na; i0 += BLOCK) {
                    int i1 = Math.min(na, i0 + BLOCK);
                    for (int j0 = 0; j0 < nl; j0 += BLOCK) {
                        int j1 = Math.min(nl, j0 + BLOCK);
                        for (int i = i0; i < i1; i++) {
                            int src = so + i + j0 * srcStep;
                            int dst = dof + i * dstStep + j0;
                            for (int j = 0; j < j1 - j0; j++) {
                                d[dst + j] = s[src + j * srcStep];
                            }
                        }
                    }
                }
            }
        });
    }
}
