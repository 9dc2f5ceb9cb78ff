package org.siftfunnel.kernels.cpu.gemm;

/**
 * The innermost GEMM computations for one SIMD width.
 *
 * <p>{@link #multiplyPacked} is the register-tiled micro-kernel of the packed algorithm; it
 * leaves the raw product in a scratch tile and {@link #update} folds it into C. The two
 * {@code direct} methods serve small problems straight from the caller's arrays, where
 * packing would cost more than it saves.
 *
 * <p>Update rule everywhere: {@code C = alpha·product + beta·C}; when {@code beta == 0} the old
 * C is never read, so garbage (NaN) in it does not leak into the result.
 */
interface MicroKernel {

    /** Rows of the register tile (the A micro-panel height). */
    int mr();

    /** Columns of the register tile (the B micro-panel width). */
    int nr();

    /** Short description for logs, e.g. {@code "512-bit 12x32"}. */
    String describe();

    /**
     * One MR×NR product of packed micro-panels:
     * {@code tile[r·NR + j] = Σ_{p<kc} a[aOff + p·MR + r]·b[bOff + p·NR + j]}.
     * {@code kc} may be 0 (the tile is then zero).
     */
    void multiplyPacked(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile);

    /**
     * {@code C(r,j) = alpha·tile[r·tileStride + j] + beta·C(r,j)} for {@code r < rows},
     * {@code j < cols}, with {@code C(r,j) = c[cOff + r·ldc + j]}.
     */
    void update(float[] tile, int tileStride, int rows, int cols, float alpha, float beta,
                float[] c, int cOff, int ldc);

    /**
     * Unpacked GEMM for B in row-major order (its rows contiguous):
     * {@code C(i,j) = alpha·Σ_p A(i,p)·B(p,j) + beta·C(i,j)} for i < m, j < n, where
     * {@code A(i,p) = a[aOff + i·aRowStride + p·aColStride]}, {@code B(p,j) = b[bOff + p·ldb + j]}
     * and {@code C(i,j) = c[cOff + i·ldc + j]}. {@code tile} is scratch space of at least
     * {@code mr()·nr()} floats.
     */
    void directRowMajorB(int m, int n, int k, float alpha,
                         float[] a, int aOff, int aRowStride, int aColStride,
                         float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc, float[] tile);

    /**
     * Unpacked GEMM for A with contiguous rows and B given column by column (a transposed
     * row-major B): {@code A(i,p) = a[aOff + i·lda + p]}, {@code B(p,j) = b[bOff + j·ldbT + p]};
     * every output is a dot product of two contiguous runs.
     */
    void directDot(int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda,
                   float[] b, int bOff, int ldbT,
                   float beta, float[] c, int cOff, int ldc);
}
