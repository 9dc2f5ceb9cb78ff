package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.UnaryOp;

/**
 * The innermost loops of the CPU backend over plain {@code float[]} ranges: single-threaded,
 * allocation-free, with no knowledge of tensors, shapes or threads ({@link CpuBackend} splits
 * work and calls these per part).
 *
 * <p>Two implementations exist: {@link ScalarArrayKernels} (plain Java, exactly the
 * {@link org.siftfunnel.engine.backend.ScalarMath} formulas) and {@code VectorArrayKernels}
 * (the Vector API, one hidden class per SIMD width, see {@link SimdSupport}). This interface
 * must never mention a {@code jdk.incubator.vector} type, so that it loads on any JVM.
 *
 * <p>Semantics follow {@link org.siftfunnel.engine.backend.ScalarMath}; vector versions may
 * differ from it by a few units in the last place (transcendental functions, summation order).
 */
interface ArrayKernels {

    /** SIMD width in bits, or 0 for the scalar kernels. */
    int vectorBits();

    // ---------------------------------------------------------------- elementwise

    /** {@code out[i] = op(x[i]; p0, p1)} for {@code from <= i < to}; out may be x. */
    void unary(UnaryOp op, float[] x, float[] out, int from, int to, float p0, float p1);

    /** {@code gx[i] = gy[i]·op'(x[i])} for {@code from <= i < to}; y (the forward output) may be null. */
    void unaryBackward(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int from, int to, float p0, float p1);

    /** {@code out[outOff + i] = op(a[aOff + i], b[bOff + i])} for {@code i < n}. */
    void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

    /** {@code out[outOff + i] = op(x[xOff + i], s)}, or {@code op(s, x[xOff + i])} when scalarFirst, for {@code i < n}. */
    void binaryScalar(BinaryOp op, float[] x, int xOff, float s, boolean scalarFirst, float[] out, int outOff, int n);

    // ---------------------------------------------------------------- reductions

    /** Σ x[off .. off+n), accumulated accurately (the result is a double). */
    double sum(float[] x, int off, int n);

    /** Maximum (MAX) or minimum (MIN) of x[off .. off+n), NaN if any element is NaN; ±∞ when n == 0. */
    float extremum(ReduceOp op, float[] x, int off, int n);

    /**
     * Column reduction: {@code out[outOff + i] = op over j < n of x[off + j·stride + i]} for
     * {@code i < width}, where {@code width <= stride}.
     */
    void reduceColumns(ReduceOp op, float[] x, int off, int n, int stride, float[] out, int outOff, int width);

    // ---------------------------------------------------------------- softmax

    /** Softmax (or log-softmax) of the contiguous row x[off .. off+n) into y. */
    void softmaxRow(float[] x, float[] y, int off, int n, boolean log);

    /**
     * Softmax along j of {@code x[off + j·stride + i]}, for every column {@code i < width}
     * independently ({@code width <= stride}).
     */
    void softmaxColumns(float[] x, float[] y, int off, int n, int stride, int width, boolean log);

    /** Backward of {@link #softmaxRow} given its output y. */
    void softmaxBackwardRow(float[] y, float[] gy, float[] gx, int off, int n, boolean log);

    /** Backward of {@link #softmaxColumns} given its output y. */
    void softmaxBackwardColumns(float[] y, float[] gy, float[] gx, int off, int n, int stride, int width, boolean log);

    // ---------------------------------------------------------------- batch-norm pieces

    /** Σ (x[i] − mean)² over x[off .. off+n). */
    double sumSquaredDeviations(float[] x, int off, int n, float mean);

    /** Σ g[i]·(x[i] − mean) over [off, off+n). */
    double sumProductCentered(float[] g, float[] x, int off, int n, float mean);

    /**
     * {@code out[i] = (x[i] − mean)·scale + shift} over [off, off+n), with the mean given as
     * {@code meanHigh + meanLow} (a double split in two floats): data far from zero (mean 1000,
     * spread 1) would otherwise lose the float mean's rounding error, ~3e-5, in every output.
     */
    void normalize(float[] x, float[] out, int off, int n, float meanHigh, float meanLow, float scale, float shift);

    /** {@code gx[i] = k·(gy[i] − a − (x[i] − mean)·b)} over [off, off+n): the batch-norm input gradient. */
    void batchNormInputGradient(float[] x, float[] gy, float[] gx, int off, int n, float mean, float k, float a, float b);

    // ---------------------------------------------------------------- dot products and axpy (direct convolution)

    /** {@code Σ_i a[aOff+i]·b[bOff+i]} for {@code i < n}, accumulated in double across short float blocks. */
    double dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code y[yOff+i] += alpha·x[xOff+i]} for {@code i < n}; the ranges must not overlap. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    // ---------------------------------------------------------------- register-tiled direct convolution

    /** Output channels of one {@link #convTile} (rows of its register tile). */
    int CONV_TILE_CHANNELS = 12;
    /** Positions of one {@link #convTile} (columns of its register tile, each {@link #convLanes()} floats). */
    int CONV_TILE_POSITIONS = 2;
    /** Output channels of one {@link #convWeightTile}. */
    int CONV_WEIGHT_CHANNELS = 4;
    /** Kernel taps of one {@link #convWeightTile}. */
    int CONV_WEIGHT_TAPS = 4;

    /** Floats per position of the direct convolution tiles: the vector length (8 for the scalar kernels). */
    int convLanes();

    /**
     * One register tile of a stride-1 convolution, with L = {@link #convLanes()}:
     * {@code tile[(j·2 + i)·L + l] = Σ_{t < taps} w[wOff + t·12 + j] · in[pos_i + tapOff[t] + l]}
     * for channels {@code j < 12}, positions {@code i < 2} ({@code pos_0, pos_1}) and lanes
     * {@code l < L}. All L lanes are read, so {@code in} must extend L − 1 floats past the last
     * wanted element.
     */
    void convTile(int taps, int[] tapOff, float[] w, int wOff, float[] in, int pos0, int pos1, float[] tile);

    /**
     * Accumulates one block of a stride-1 convolution's weight gradient, with L = {@link #convLanes()}:
     * {@code acc[accOff + (j·6 + t)·L + l] += Σ_{b < images} Σ_{p < positions}
     * gy[gyOff + b·gyImage + chan[c0 + j] + pos[2p] + l] · x[xOff + b·xImage + pos[2p + 1] + tapOff[t0 + t] + l]}
     * for channels {@code j < 4}, taps {@code t < 6} and lanes {@code l < lanes ≤ L}; lanes from
     * {@code lanes} on are neither read nor changed.
     */
    void convWeightTile(int images, float[] gy, int gyOff, int gyImage, int[] chan, int c0,
                        float[] x, int xOff, int xImage, int[] tapOff, int t0, int[] pos, int positions, int lanes,
                        float[] acc, int accOff);

    // ---------------------------------------------------------------- Winograd F(2×2, 3×3) tile transforms
    // Elementwise over tile indices t < tiles, so that a vector holds one entry of consecutive
    // tiles. The implementations perform the same float operations in the same order, so the
    // scalar and every vector width give the same bits.

    /**
     * Input transform {@code V = Bᵀ·d·B} of 4×4 tiles. Entry (r, c) of tile t is
     * {@code d[dOff + ((c / 2·2 + r % 2)·2 + c % 2)·dStride + (r / 2)·rowShift + t]}: the tiles'
     * rows and columns come from eight de-interleaved quarter planes, (even, odd rows) × (even,
     * odd columns) × (unshifted, shifted by one tile column), in which the tile row below is
     * {@code rowShift} further on. Writes {@code v[vOff + ξ·vStride + t]} for the 16 positions
     * ξ = 4·row + column of the transformed tile.
     */
    void winogradInput(float[] d, int dOff, int dStride, int rowShift, int tiles, float[] v, int vOff, int vStride);

    /**
     * Output transform {@code Y = Aᵀ·M·A}: reads {@code m[mOff + ξ·mStride + t]} (16 positions)
     * and writes the 2×2 output block of tile t to {@code y[yOff + b·yStride + t]}, b = 2·row + column.
     */
    void winogradOutput(float[] m, int mOff, int mStride, int tiles, float[] y, int yOff, int yStride);

    /**
     * Gradient transform {@code E = A·g·Aᵀ} of 2×2 blocks g, entry b = 2·row + column of block t at
     * {@code g[gOff + b·gStride + t]}; writes {@code e[eOff + ξ·eStride + t]} (16 positions).
     */
    void winogradGradient(float[] g, int gOff, int gStride, int tiles, float[] e, int eOff, int eStride);

    // ---------------------------------------------------------------- pooling

    /**
     * {@code rows} output rows of a 2×2, stride-2, unpadded max pooling. Output ox of row k reads
     * the window a = {@code x[r0 + 2k·inW + 2·ox]}, b = the next element, c and d the same one input
     * row ({@code inW}) further; {@code y[o + k·outW + ox]} gets the maximum and, when switches is
     * not null, {@code switches[o + k·outW + ox] = base + 2k·inW + 2·ox + w} with w = 0, 1, inW or
     * inW + 1 for the winner. The reference's rules: a, b, c, d in that order, a later value
     * winning if it is strictly greater or NaN, and a NaN ending its row (so a NaN in the second
     * row takes over from one in the first). Every implementation gives the same bits.
     */
    void maxPool2x2Rows(float[] x, int r0, int inW, int rows, float[] y, int o, int outW, float[] switches, int base);

    // ---------------------------------------------------------------- distances

    /**
     * Squared distances from rows {@code i0 .. i0+rows} of x [·, d] to row j:
     * {@code out[r] = Σ_k (x[(i0+r)·d + k] − x[j·d + k])²} for {@code r < rows ≤ 4}. Several rows
     * at once read row j once for all of them.
     */
    void squaredDistances(float[] x, int d, int i0, int rows, int j, double[] out);

    // ---------------------------------------------------------------- optimisers

    /** Adam/AdamW update of elements [from, to); vMax is used only when {@code c.amsgrad()}. */
    void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int from, int to, AdamCoefficients c);

    /** SGD update of elements [from, to); buf is used only when momentum is non-zero. */
    void sgd(float[] p, float[] g, float[] buf, int from, int to, SgdCoefficients c);
}
