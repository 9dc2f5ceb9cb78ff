package org.siftfunnel.kernels.cpu.gemm;

/**
 * The GotoBLAS/BLIS loop nest around the micro-kernel:
 * <pre>
 * for jc over n in steps of nc:            B block  kc×nc  (packed once per (jc, pc))
 *   for pc over k in steps of kc:
 *     for ic over m in steps of mc:        A block  mc×kc  (packed)
 *       for jr over nc in steps of nr:     B micro-panel stays in L1
 *         for ir over mc in steps of mr:   A micro-panels stream from L2
 *           micro-kernel: tile (mr×nr) = A·B, then C tile = alpha·tile + beta'·C tile
 * </pre>
 * beta' is the caller's beta for the first k block and 1 afterwards. Edge tiles are computed
 * in full (the packed padding is zero) and only their valid part is written to C.
 */
final class PackedDriver {

    private PackedDriver() {
    }

    static void multiply(MicroKernel kernel, Blocking blocking, Product pr) {
        int m = pr.m();
        int n = pr.n();
        int k = pr.k();
        int mr = kernel.mr();
        int nr = kernel.nr();
        // Even block sizes: k = 300 becomes 2×150 rather than 256 + 44.
        int kc = evenSplit(k, blocking.kc(), 1);
        int mc = evenSplit(m, blocking.mc(), mr);
        int nc = evenSplit(n, blocking.nc(), nr);
        Workspace ws = Workspace.current();
        float[] packedA = ws.packedA(Blocking.roundUp(mc, mr) * kc);
        float[] packedB = ws.packedB(Blocking.roundUp(nc, nr) * kc);
        float[] tile = ws.tile(mr * nr);
        float[] c = pr.c();
        int ldc = pr.ldc();
        for (int jc = 0; jc < n; jc += nc) {
            int ncCur = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcCur = Math.min(kc, k - pc);
                Packing.packB(pr.b(), pr.bOff(), pr.bRowStride(), pr.bColStride(), pc, kcCur, jc, ncCur, nr, packedB);
                float beta = pc == 0 ? pr.beta() : 1f;
                for (int ic = 0; ic < m; ic += mc) {
                    int mcCur = Math.min(mc, m - ic);
                    Packing.packA(pr.a(), pr.aOff(), pr.aRowStride(), pr.aColStride(), ic, mcCur, pc, kcCur, mr, packedA);
                    for (int jr = 0; jr < ncCur; jr += nr) {
                        int cols = Math.min(nr, ncCur - jr);
                        int bPanel = jr * kcCur;
                        for (int ir = 0; ir < mcCur; ir += mr) {
                            int rows = Math.min(mr, mcCur - ir);
                            int aPanel = ir * kcCur;
                            int ci = pr.cOff() + (ic + ir) * ldc + jc + jr;
                            kernel.multiplyPacked(kcCur, packedA, aPanel, packedB, bPanel, tile);
                            kernel.update(tile, nr, rows, cols, pr.alpha(), beta, c, ci, ldc);
                        }
                    }
                }
            }
        }
    }

    /**
     * The block size for splitting {@code total} into pieces of at most {@code max}, made as even
     * as possible and rounded up to {@code multiple}.
     */
    static int evenSplit(int total, int max, int multiple) {
        if (total <= max) {
            return Math.max(total, 1);
        }
        int pieces = (total + max - 1) / max;
        int size = (total + pieces - 1) / pieces;
        return Math.min(max, Blocking.roundUp(size, multiple));
    }
}
