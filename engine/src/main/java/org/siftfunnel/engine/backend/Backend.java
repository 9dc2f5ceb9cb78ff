package org.siftfunnel.engine.backend;

import java.util.Optional;

import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * The kernels a device supplies. Everything the engine computes goes through these methods;
 * composite operations (attention blocks, losses, MINE) are written once on top of them.
 *
 * <p>Conventions: all buffers hold contiguous row-major float32 data; sizes are element
 * counts; an output buffer is fully overwritten unless the method says it accumulates; the
 * caller guarantees that buffers are large enough and belong to this backend. Index tensors
 * (argmax, gather indices, pooling switches) are stored as floats holding exact integers.
 *
 * <p>Many shapes are passed as an {@code [outer, n, inner]} view: the operation acts along
 * the middle axis, independently for every (outer, inner) pair. Any axis of a contiguous
 * tensor can be presented this way without copying.
 */
public interface Backend {

    /** Short name used on the command line ({@code reference}, {@code cpu}, {@code opencl}). */
    String name();

    /** One human-readable line: device, vector width, threads... */
    String description();

    // ---------------------------------------------------------------- memory

    /** A new zero-filled buffer of {@code n} floats. */
    DeviceBuffer allocate(int n);

    /** A new buffer holding a copy of {@code data}. */
    DeviceBuffer upload(float[] data);

    /** Copies {@code n} floats from a device buffer into a host array. */
    void download(DeviceBuffer src, int srcOffset, float[] dst, int dstOffset, int n);

    /** Copies {@code n} floats from a host array into a device buffer. */
    void write(float[] src, int srcOffset, DeviceBuffer dst, int dstOffset, int n);

    void fill(DeviceBuffer out, int offset, int n, float value);

    void copy(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int n);

    /**
     * General strided copy: for every index tuple {@code i} over {@code shape},
     * {@code dst[dstOffset + Σ i_k·dstStrides_k] = src[srcOffset + Σ i_k·srcStrides_k]}.
     * Covers permute, slice, concat and pad.
     */
    void copyStrided(DeviceBuffer src, int srcOffset, int[] srcStrides,
                     DeviceBuffer dst, int dstOffset, int[] dstStrides, int[] shape);

    /** Blocks until queued work is finished (a no-op for synchronous backends). */
    default void synchronize() {
    }

    /**
     * This backend's per-operation time recorder, when it can time its kernels (empty by
     * default). Recording may start switched off ({@link OpTimings#setEnabled}); the recorder's
     * {@link OpTimings#measures()} says what a time means on this backend. The same instance
     * is returned every time.
     */
    default Optional<OpTimings> opTimings() {
        return Optional.empty();
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code out[i] = op(x[i]; p0, p1)} for {@code i < n}; {@code out} may alias {@code x}. */
    void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out, int n, float p0, float p1);

    /**
     * {@code gx[i] = gy[i] · op'(x[i])} for {@code i < n}. {@code y} is the forward output,
     * which some derivatives (sigmoid, tanh, exp, sqrt) read instead of recomputing.
     */
    void unaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                       int n, float p0, float p1);

    /**
     * Broadcasting binary op: {@code out[idx] = op(a[Σ idx_k·aStrides_k], b[Σ idx_k·bStrides_k])}
     * over {@code outShape}; a broadcast axis has stride 0.
     */
    void binary(BinaryOp op, DeviceBuffer a, int[] aStrides, DeviceBuffer b, int[] bStrides,
                DeviceBuffer out, int[] outShape);

    /** {@code out[i] = op(x[i], s)}, or {@code op(s, x[i])} when {@code scalarFirst}. */
    void binaryScalar(BinaryOp op, DeviceBuffer x, float s, boolean scalarFirst, DeviceBuffer out, int n);

    // ---------------------------------------------------------------- reductions

    /** {@code out[o, i] = op over j of x[o, j, i]} for the view {@code [outer, n, inner]}. */
    void reduce(ReduceOp op, DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner);

    /** Index (as float) of the first maximum ({@code max}) or minimum along the middle axis. */
    void argReduce(boolean max, DeviceBuffer x, DeviceBuffer outIndex, int outer, int n, int inner);

    // ---------------------------------------------------------------- linear algebra

    /**
     * Batched GEMM, row-major: {@code C_b = alpha·op(A_b)·op(B_b) + beta·C_b} for
     * {@code b < batch}, where op(A) is m×k (A stored k×m when {@code transA}), op(B) is k×n.
     * A batch stride of 0 broadcasts that operand. When {@code beta == 0}, C is not read.
     */
    void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
              DeviceBuffer a, int aOffset, int aBatchStride,
              DeviceBuffer b, int bOffset, int bBatchStride,
              float beta, DeviceBuffer c, int cOffset, int cBatchStride);

    /** {@code out[i, j] = Σ_k (x[i, k] − x[j, k])²} for x [n, d]. */
    void pairwiseSquaredDistances(DeviceBuffer x, DeviceBuffer out, int n, int d);

    // ---------------------------------------------------------------- convolution

    /** Forward convolution; {@code bias} may be null. */
    void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer out, ConvGeometry g);

    /** Gradient with respect to the input: {@code gx = conv2dᵀ(gy, w)} (overwrites gx). */
    void conv2dBackwardInput(DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx, ConvGeometry g);

    /** Gradient with respect to the weight (overwrites gw). */
    void conv2dBackwardWeight(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, ConvGeometry g);

    // ---------------------------------------------------------------- pooling and resampling

    /** Max pooling; writes the flat in-plane index of each maximum into {@code switches} (may be null). */
    void maxPool2d(DeviceBuffer x, DeviceBuffer out, DeviceBuffer switches, PoolGeometry g);

    /** Routes {@code gy} to the recorded maxima (overwrites gx). */
    void maxPool2dBackward(DeviceBuffer gy, DeviceBuffer switches, DeviceBuffer gx, PoolGeometry g);

    void avgPool2d(DeviceBuffer x, DeviceBuffer out, PoolGeometry g);

    void avgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, PoolGeometry g);

    /** Resamples {@code planes} planes from inH×inW to outH×outW. */
    void upsample2d(UpsampleMode mode, DeviceBuffer x, DeviceBuffer out, int planes, int inH, int inW, int outH, int outW);

    /** Adjoint of {@link #upsample2d} (overwrites gx). */
    void upsample2dBackward(UpsampleMode mode, DeviceBuffer gy, DeviceBuffer gx, int planes, int inH, int inW, int outH, int outW);

    // ---------------------------------------------------------------- normalisation

    /** Softmax (or log-softmax) along the middle axis of {@code [outer, n, inner]}. */
    void softmax(DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner, boolean log);

    /** Backward of {@link #softmax} given its output {@code y}. */
    void softmaxBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int outer, int n, int inner, boolean log);

    /**
     * Batch-norm forward with batch statistics over x [n, c, hw]: writes the normalised,
     * scaled output, the per-channel mean and 1/sqrt(biased var + eps). gamma/beta may be null
     * (no affine). The biased variance can be recovered as 1/invStd² − eps.
     */
    void batchNormForward(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer out,
                          DeviceBuffer mean, DeviceBuffer invStd, int n, int c, int hw, float eps);

    /**
     * Backward of training-mode batch norm. gGamma and gBeta may be null when not needed
     * (they are overwritten, not accumulated).
     */
    void batchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer invStd,
                           DeviceBuffer gx, DeviceBuffer gGamma, DeviceBuffer gBeta, int n, int c, int hw);

    // ---------------------------------------------------------------- indexing

    /** {@code out[o, j, i] = x[o, index[o, j, i], i]} for x [outer, n, inner], index/out [outer, k, inner]. */
    void gather(DeviceBuffer x, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k);

    /** {@code out[o, index[o, j, i], i] += src[o, j, i]} (accumulates into out). */
    void scatterAdd(DeviceBuffer src, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k);

    // ---------------------------------------------------------------- random fills

    /**
     * Fills {@code out[0..n)} with uniform draws in [lo, hi). Element {@code i} is a pure
     * function of (seed, offset + i) through {@link org.siftfunnel.engine.random.Philox}, so
     * every backend and thread count gives bit-identical values.
     */
    void randomUniform(DeviceBuffer out, int n, long seed, long offset, float lo, float hi);

    /** Normal draws (Box–Muller on the same counter stream), equal across backends within 1e-6. */
    void randomNormal(DeviceBuffer out, int n, long seed, long offset, float mean, float std);

    /** 1.0 with probability p, else 0.0; bit-identical across backends. */
    void randomBernoulli(DeviceBuffer out, int n, long seed, long offset, float p);

    // ---------------------------------------------------------------- optimiser steps

    /** Fused Adam/AdamW update of {@code n} parameters in place; vMax may be null unless amsgrad. */
    void adamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer vMax,
                  int n, AdamConfig config);

    /** Fused SGD update in place; momentumBuffer may be null when momentum is 0. */
    void sgdStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer momentumBuffer, int n, SgdConfig config);
}
