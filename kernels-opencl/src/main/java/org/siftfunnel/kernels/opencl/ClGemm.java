package org.siftfunnel.kernels.opencl;

/**
 * Chooses and launches the GEMM kernels of {@code gemm.cl}: the 64×64-tiled kernel with 4×4
 * register blocks for matrices that fill its tiles, a one-output-per-work-item kernel for thin
 * ones, and split-K (partial products over slices of K, then a summing kernel) when a single
 * large-K product would occupy only a few of the device's compute units. Thin products are split
 * too: a convolution's weight gradient is one (e.g. 1×98 outputs summed over K = 65,536 pixels),
 * and unsplit its few work-items each looped over all of K, which was 62 % of the device time of a
 * SiftFunnel training epoch on an H100.
 */
final class ClGemm {
    private static final int TILE = 64;
    private static final int TILE_K = 16;
    /** Below this K a product is never split. */
    private static final int SPLIT_MIN_K = 2048;
    /** Each slice of a split product gets at least this much of K. */
    private static final int SPLIT_MIN_SLICE = 512;
    private static final int SPLIT_MAX = 32;
    /** Thin products (the one-output-per-work-item kernel): split when K is at least this. */
    private static final int THIN_SPLIT_MIN_K = 1024;
    /** Each slice of a split thin product gets at least this much of K. */
    private static final int THIN_SPLIT_MIN_SLICE = 256;
    private static final int THIN_SPLIT_MAX = 64;
    /** Work-items per compute unit a split thin product aims for. */
    private static final int THIN_ITEMS_PER_UNIT = 256;

    private final OpenClBackend backend;
    private final ClKernel tiled;
    private final ClKernel small;
    private final ClKernel sumParts;
    private final boolean tiledRuns;

    ClGemm(OpenClBackend backend, ClRuntime runtime) {
        this.backend = backend;
        this.tiled = runtime.kernel("gemm", "gemm_tiled");
        this.small = runtime.kernel("gemm", "gemm_small");
        this.sumParts = runtime.kernel("gemm", "gemm_sum_parts");
        // The tiled kernel needs 16×16 work-items per group; small devices may not allow it.
        this.tiledRuns = tiled.maxWorkGroup() >= 256;
    }

    /** One batched product with explicit leading dimensions; the op name prefixes its timings. */
    void run(String op, boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
             ClBuffer a, int aOffset, int aStride, int lda,
             ClBuffer b, int bOffset, int bStride, int ldb,
             float beta, ClBuffer c, int cOffset, int cStride, int ldc) {
        if (batch <= 0 || m <= 0 || n <= 0) {
            return;
        }
        boolean useTiled = tiledRuns && m >= 16 && n >= 16 && (long) m * n >= 32 * 32;
        ClKernel kernel = useTiled ? tiled : small;
        if (batch == 1 && trySplitK(op, kernel, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                beta, c, cOffset, ldc)) {
            return;
        }
        launch(op, kernel, transA, transB, batch, m, n, k, alpha, a, aOffset, aStride, lda,
                b, bOffset, bStride, ldb, beta, c, cOffset, cStride, ldc);
    }

    private void launch(String op, ClKernel kernel, boolean transA, boolean transB, int batch, int m, int n, int k,
                        float alpha, ClBuffer a, int aOffset, int aStride, int lda,
                        ClBuffer b, int bOffset, int bStride, int ldb,
                        float beta, ClBuffer c, int cOffset, int cStride, int ldc) {
        ClKernel.Launch launch = kernel.launch(op + "/" + kernel.name())
                .i(transA).i(transB).i(m).i(n).i(k).f(alpha)
                .buf(a).i(aOffset).i(aStride).i(lda)
                .buf(b).i(bOffset).i(bStride).i(ldb)
                .f(beta).buf(c).i(cOffset).i(cStride).i(ldc);
        if (kernel == tiled) {
            launch.run(new long[] {ceil(n, TILE) * 16L, ceil(m, TILE) * 16L, batch}, new long[] {16, 16, 1});
        } else {
            long group = Math.min(16, Math.max(1, (long) Math.sqrt(kernel.maxWorkGroup())));
            launch.run(new long[] {ClKernel.roundUp(n, group), ClKernel.roundUp(m, group), batch}, new long[] {group, group, 1});
        }
    }

    /**
     * Splits K when the output keeps too few of the device's compute units busy: with the tiled
     * kernel, fewer 64×64 tiles than compute units; with the thin kernel, fewer outputs than
     * {@value #THIN_ITEMS_PER_UNIT} per compute unit. The slices run as one batched launch of
     * {@code kernel} into a scratch of partial products, then one kernel adds them up in slice
     * order (and beta·C), so the result is the same from run to run. Returns false when splitting
     * would not help.
     */
    private boolean trySplitK(String op, ClKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              ClBuffer a, int aOffset, int lda, ClBuffer b, int bOffset, int ldb,
                              float beta, ClBuffer c, int cOffset, int ldc) {
        int units = backend.device().computeUnits();
        int wanted;
        if (kernel == tiled) {
            long tiles = (long) ceil(m, TILE) * ceil(n, TILE);
            if (k < SPLIT_MIN_K || tiles >= units) {
                return false;
            }
            wanted = Math.min(Math.min(SPLIT_MAX, k / SPLIT_MIN_SLICE), Math.max(2, ceil(2L * units, tiles)));
        } else {
            long outputs = (long) m * n;
            long target = (long) units * THIN_ITEMS_PER_UNIT;
            if (k < THIN_SPLIT_MIN_K || outputs >= target) {
                return false;
            }
            wanted = (int) Math.min(Math.min(THIN_SPLIT_MAX, k / THIN_SPLIT_MIN_SLICE), Math.max(2, ceil(target, outputs)));
        }
        if (wanted < 2) {
            return false;
        }
        int slice = (int) ClKernel.roundUp(ceil(k, wanted), TILE_K);
        int parts = ceil(k, slice);
        if (parts < 2) {
            return false;
        }
        ClBuffer scratch = backend.scratch(OpenClBackend.Scratch.GEMM_PARTS, (long) parts * m * n);
        // Slice s starts at column s·slice of op(A) and row s·slice of op(B).
        int aStep = transA ? slice * lda : slice;
        int bStep = transB ? slice : slice * ldb;
        int full = parts - 1;
        launch(op + "/splitK", kernel, transA, transB, full, m, n, slice, alpha, a, aOffset, aStep, lda,
                b, bOffset, bStep, ldb, 0f, scratch, 0, m * n, n);
        int rest = k - full * slice;
        launch(op + "/splitK", kernel, transA, transB, 1, m, n, rest, alpha, a, aOffset + full * aStep, 0, lda,
                b, bOffset + full * bStep, 0, ldb, 0f, scratch, full * m * n, 0, n);
        sumParts.launch(op + "/splitK-sum").buf(scratch).i(parts).i(m).i(n).f(beta).buf(c).i(cOffset).i(ldc)
                .run(new long[] {ClKernel.roundUp(n, 16), ClKernel.roundUp(m, 16)}, new long[] {16, 16});
        return true;
    }

    private static int ceil(long a, long b) {
        return (int) ((a + b - 1) / b);
    }
}
