package org.siftfunnel.kernels.cpu.gemm;

/**
 * One (non-batched) product {@code C = alpha·op(A)·op(B) + beta·C} with every operand described
 * by strides: {@code A(i,p) = a[aOff + i·aRowStride + p·aColStride]},
 * {@code B(p,j) = b[bOff + p·bRowStride + j·bColStride]}, {@code C(i,j) = c[cOff + i·ldc + j]}.
 * Transposes are just swapped strides, and a block of rows or columns of C is a product of
 * its own, which is how the work is split between threads.
 */
record Product(int m, int n, int k, float alpha,
               float[] a, int aOff, int aRowStride, int aColStride,
               float[] b, int bOff, int bRowStride, int bColStride,
               float beta, float[] c, int cOff, int ldc) {

    /** The rows {@code [i0, i1)} of this product. */
    Product rows(int i0, int i1) {
        return new Product(i1 - i0, n, k, alpha, a, aOff + i0 * aRowStride, aRowStride, aColStride,
                b, bOff, bRowStride, bColStride, beta, c, cOff + i0 * ldc, ldc);
    }

    /** The columns {@code [j0, j1)} of this product. */
    Product columns(int j0, int j1) {
        return new Product(m, j1 - j0, k, alpha, a, aOff, aRowStride, aColStride,
                b, bOff + j0 * bColStride, bRowStride, bColStride, beta, c, cOff + j0, ldc);
    }

    /**
     * For a product with one column ({@code n == 1}): the same computation as the one-row
     * product {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, which writes the same C elements (a column of C with
     * row stride 1 is a contiguous row). The row stride of the new single-row A is irrelevant.
     */
    Product transposedColumn() {
        if (n != 1) {
            throw new IllegalStateException("transposedColumn needs n == 1, got n=" + n);
        }
        return new Product(1, m, k, alpha, b, bOff, 0, bRowStride, a, aOff, aColStride, aRowStride,
                beta, c, cOff, m);
    }

    /** Multiply-accumulate count {@code m·n·k}. */
    long macs() {
        return (long) m * n * k;
    }
}
