package org.siftfunnel.kernels.cpu.gemm;

/**
 * One (non-batched) product {@code C = alpha·op(A)·op(B) + beta·C} with every operand described
 * by strides: {@code A(i,p) = a[aOff + i·aRowStride + p·aColStride]},
 * {@code B(p,j) = b[bOff + p·bRowStride + j·bColStride]}, {@code C(i,j) = c[cOff + i·ldc + j]}.
 * Transposes are just swapped strides, and a block of rows or columns of C is a product of
 * its own, which is how the work is split between threads.
 *
 * <p>A mutable descriptor, not a record: each thread keeps two in its {@link Workspace} (the
 * product it was asked for and the part of one it works on) and refills them on every call, so
 * that a GEMM call allocates nothing (a record per call and per batch entry was most of the
 * hundreds of bytes JMH's {@code -prof gc} saw per GEMM, and 64 KB per call of a 1×1
 * convolution, which runs one product per image). Workspace descriptors are only used for work
 * that runs to its end on their thread without waiting for other threads, and for the one
 * product the thread splits over the team while it waits (see {@code Sgemm.gemm}).
 */
final class Product {
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float[] a;
    private int aOff;
    private int aRowStride;
    private int aColStride;
    private float[] b;
    private int bOff;
    private int bRowStride;
    private int bColStride;
    private float beta;
    private float[] c;
    private int cOff;
    private int ldc;

    Product set(int m, int n, int k, float alpha,
                float[] a, int aOff, int aRowStride, int aColStride,
                float[] b, int bOff, int bRowStride, int bColStride,
                float beta, float[] c, int cOff, int ldc) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.aOff = aOff;
        this.aRowStride = aRowStride;
        this.aColStride = aColStride;
        this.b = b;
        this.bOff = bOff;
        this.bRowStride = bRowStride;
        this.bColStride = bColStride;
        this.beta = beta;
        this.c = c;
        this.cOff = cOff;
        this.ldc = ldc;
        return this;
    }

    /** Drops the references to the operands, which a thread's workspace would otherwise keep alive. */
    void clear() {
        a = null;
        b = null;
        c = null;
    }

    /** Fills {@code into} with this product, its operands moved on by the given element offsets; returns it. */
    Product shiftedInto(Product into, int aShift, int bShift, int cShift) {
        return into.set(m, n, k, alpha, a, aOff + aShift, aRowStride, aColStride,
                b, bOff + bShift, bRowStride, bColStride, beta, c, cOff + cShift, ldc);
    }

    /** Fills {@code into} with the rows {@code [i0, i1)} of this product; returns it. */
    Product rowsInto(Product into, int i0, int i1) {
        return into.set(i1 - i0, n, k, alpha, a, aOff + i0 * aRowStride, aRowStride, aColStride,
                b, bOff, bRowStride, bColStride, beta, c, cOff + i0 * ldc, ldc);
    }

    /** Fills {@code into} with the columns {@code [j0, j1)} of this product; returns it. */
    Product columnsInto(Product into, int j0, int j1) {
        return into.set(m, j1 - j0, k, alpha, a, aOff, aRowStride, aColStride,
                b, bOff + j0 * bColStride, bRowStride, bColStride, beta, c, cOff + j0, ldc);
    }

    /**
     * Turns this single-column product ({@code n == 1}) into the same numbers computed as one row:
     * {@code cᵀ = op(B)ᵀ·op(A)ᵀ}, a 1×m product whose C is the column read as a row.
     */
    Product transposeColumn() {
        if (n != 1) {
            throw new IllegalStateException("transposeColumn needs n == 1, got n=" + n);
        }
        return set(1, m, k, alpha, b, bOff, 0, bRowStride, a, aOff, aColStride, aRowStride, beta, c, cOff, m);
    }

    int m() {
        return m;
    }

    int n() {
        return n;
    }

    int k() {
        return k;
    }

    float alpha() {
        return alpha;
    }

    float[] a() {
        return a;
    }

    int aOff() {
        return aOff;
    }

    int aRowStride() {
        return aRowStride;
    }

    int aColStride() {
        return aColStride;
    }

    float[] b() {
        return b;
    }

    int bOff() {
        return bOff;
    }

    int bRowStride() {
        return bRowStride;
    }

    int bColStride() {
        return bColStride;
    }

    float beta() {
        return beta;
    }

    float[] c() {
        return c;
    }

    int cOff() {
        return cOff;
    }

    int ldc() {
        return ldc;
    }

    long macs() {
        return (long) m * n * k;
    }

    @Override
    public String toString() {
        return "Product[" + m + "x" + n + "x" + k + ", alpha=" + alpha + ", beta=" + beta + "]";
    }
}
