package org.siftfunnel.kernels.cpu;

import static org.siftfunnel.engine.backend.ArrayBuffer.of;

import java.util.Arrays;
import java.util.Optional;

import org.siftfunnel.engine.backend.AdamConfig;
import org.siftfunnel.engine.backend.ArrayBuffer;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.PoolGeometry;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.ScalarMath;
import org.siftfunnel.engine.backend.SgdConfig;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.backend.timing.OpTimings;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The fast CPU backend: SIMD loops on the JDK Vector API, a packed SGEMM, im2col + GEMM
 * convolutions, and large operations split over a fixed team of threads.
 *
 * <p>Tensors live in heap {@code float[]} arrays ({@link ArrayBuffer}), exactly like the
 * reference backend's, so buffers of either backend can be handed to the other.
 *
 * <p>Configuration: the thread count defaults to the system property
 * {@value Sgemm#THREADS_PROPERTY}, else the number of physical cores; the SIMD width to
 * {@value VectorWidth#PROPERTY} ({@code auto}, {@code 128}, {@code 256}, {@code 512} or
 * {@code scalar}), else the hardware's preferred width. A JVM started without
 * {@code --add-modules jdk.incubator.vector} gets the scalar kernels, after one line on stderr.
 *
 * <p>Per-op timing ({@link #opTimings()}): every kernel call is bracketed by the recorder's
 * start/stop, which is one volatile read while recording is off (the default), so the
 * instrumentation costs nothing unless {@code --op-timings} switches it on. Times are the wall
 * time of each call on the calling thread; its worker threads' share is inside that time.
 *
 * <p>Instances are thread-safe, and immutable apart from the timing switch; scratch buffers
 * are per thread.
 */
public final class CpuBackend implements Backend {

    public static final String NAME = "cpu";

    /** Relative cost of one element of a unary function with an exponential, log or tanh inside. */
    private static final int TRANSCENDENTAL_COST = 8;
    /** Relative cost of one Philox draw (ten rounds of multiplications). */
    private static final int RANDOM_COST = 24;
    /** Rows per block of the pairwise-distance kernel. */
    private static final int DISTANCE_ROWS = 4;

    // Op names for the timings, made once (as the OpenCL backend names them: "unary/RELU"...).
    private static final String[] UNARY_OPS = opNames("unary/", UnaryOp.values());
    private static final String[] UNARY_BACKWARD_OPS = opNames("unaryBackward/", UnaryOp.values());
    private static final String[] BINARY_OPS = opNames("binary/", BinaryOp.values());
    private static final String[] BINARY_SCALAR_OPS = opNames("binaryScalar/", BinaryOp.values());
    private static final String[] REDUCE_OPS = opNames("reduce/", ReduceOp.values());
    private static final String[] UPSAMPLE_OPS = opNames("upsample2d/", UpsampleMode.values());
    private static final String[] UPSAMPLE_BACKWARD_OPS = opNames("upsample2dBackward/", UpsampleMode.values());

    private final int threads;
    private final VectorWidth requestedWidth;
    private final ArrayKernels kernels;
    private final Parallel parallel;
    private final Sgemm gemm;
    private final Convolution convolution;
    private final Pooling pooling;
    private final Resampling resampling;
    private final Indexing indexing;
    private final OpTimings timings = new OpTimings("wall time of each kernel call, from entry to return");

    /** Threads and SIMD width from the system properties (see the class comment). */
    public CpuBackend() {
        this(Sgemm.defaultThreads(), VectorWidth.fromSystemProperty());
    }

    /**
     * @param threads threads to use (≥ 1); 1 runs everything on the calling thread
     * @param width   SIMD width; {@link VectorWidth#AUTO} follows the hardware and
     *                {@link VectorWidth#SCALAR} forces plain Java loops everywhere
     */
    public CpuBackend(int threads, VectorWidth width) {
        this(threads, width, Convolution.DEFAULT_MAX_COLUMN_FLOATS);
    }

    /** Test hook: {@code maxColumnFloats} caps one thread's im2col tile, to exercise the tiled path. */
    CpuBackend(int threads, VectorWidth width, int maxColumnFloats) {
        this(threads, width, maxColumnFloats, Parallel.Schedule.TEAM);
    }

    /**
     * Test hook: {@code schedule} {@link Parallel.Schedule#ONE_THREAD} runs every part of every
     * split (planned for {@code threads}) on the calling thread, the worst case of the team's
     * scheduling, to catch kernels that keep a part's result in a per-thread buffer.
     */
    CpuBackend(int threads, VectorWidth width, int maxColumnFloats, Parallel.Schedule schedule) {
        if (threads < 1) {
            throw new IllegalArgumentException("cpu backend: threads must be >= 1, got " + threads);
        }
        if (width == null) {
            throw new IllegalArgumentException("cpu backend: vector width must not be null (use VectorWidth.AUTO)");
        }
        this.threads = threads;
        this.requestedWidth = width;
        this.kernels = SimdSupport.kernelsFor(width);
        // Whatever made the element kernels scalar (no Vector API, a forced width) applies to GEMM too,
        // and keeps the GEMM from printing a second warning about a missing module.
        VectorWidth gemmWidth = kernels.vectorBits() == 0 ? VectorWidth.SCALAR : width;
        this.parallel = new Parallel(threads, schedule);
        this.gemm = new Sgemm(threads, gemmWidth);
        this.convolution = new Convolution(parallel, new Sgemm(1, gemmWidth), gemm, kernels, maxColumnFloats);
        this.pooling = new Pooling(parallel, kernels);
        this.resampling = new Resampling(parallel);
        this.indexing = new Indexing(parallel);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** For example {@code "cpu: 512-bit SIMD (Vector API), 2 threads"} or {@code "cpu: scalar, 1 thread"}. */
    @Override
    public String description() {
        int bits = kernels.vectorBits();
        String simd = bits == 0 ? "scalar" + (requestedWidth == VectorWidth.SCALAR ? "" : " (no Vector API)")
                : bits + "-bit SIMD (Vector API)";
        return NAME + ": " + simd + ", " + threads + (threads == 1 ? " thread" : " threads")
                + (parallel.schedule() == Parallel.Schedule.ONE_THREAD ? " (every part on one thread)" : "");
    }

    /** Threads this backend splits work over. */
    public int threads() {
        return threads;
    }

    /** SIMD width in use, in bits; 0 when the scalar kernels run. */
    public int vectorBits() {
        return kernels.vectorBits();
    }

    @Override
    public String toString() {
        return description();
    }

    /** Wall time per kernel call, recorded only after {@code opTimings().get().setEnabled(true)}. */
    @Override
    public Optional<OpTimings> opTimings() {
        return Optional.of(timings);
    }

    private static String[] opNames(String prefix, Enum<?>[] ops) {
        String[] names = new String[ops.length];
        for (Enum<?> op : ops) {
            names[op.ordinal()] = prefix + op.name();
        }
        return names;
    }

    // ================================================================ memory

    @Override
    public DeviceBuffer allocate(int n) {
        long t0 = timings.start();
        try {
            if (n < 0) {
                throw new IllegalArgumentException("allocate: negative size " + n);
            }
            return new ArrayBuffer(new float[n], this);
        } finally {
            timings.stop("allocate", t0);
        }
    }

    @Override
    public DeviceBuffer upload(float[] data) {
        long t0 = timings.start();
        try {
            return new ArrayBuffer(data.clone(), this);
        } finally {
            timings.stop("upload", t0);
        }
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, float[] dst, int dstOffset, int n) {
        long t0 = timings.start();
        try {
            System.arraycopy(of(src), srcOffset, dst, dstOffset, n);
        } finally {
            timings.stop("download", t0);
        }
    }

    @Override
    public void write(float[] src, int srcOffset, DeviceBuffer dst, int dstOffset, int n) {
        long t0 = timings.start();
        try {
            System.arraycopy(src, srcOffset, of(dst), dstOffset, n);
        } finally {
            timings.stop("write", t0);
        }
    }

    @Override
    public void fill(DeviceBuffer out, int offset, int n, float value) {
        long t0 = timings.start();
        try {
            Arrays.fill(of(out), offset, offset + n, value);
        } finally {
            timings.stop("fill", t0);
        }
    }

    @Override
    public void copy(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int n) {
        long t0 = timings.start();
        try {
            System.arraycopy(of(src), srcOffset, of(dst), dstOffset, n);
        } finally {
            timings.stop("copy", t0);
        }
    }

    @Override
    public void copyStrided(DeviceBuffer src, int srcOffset, int[] srcStrides,
                            DeviceBuffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        long t0 = timings.start();
        try {
            float[] s = of(src);
            float[] d = of(dst);
            if (numel(shape) == 0) {
                return;
            }
            StridedCopy.copy(parallel, s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
        } finally {
            timings.stop("copyStrided", t0);
        }
    }

    // ================================================================ elementwise

    private static long unaryCost(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, TANH, SIGMOID, SILU, SOFTPLUS, ELU, POW -> TRANSCENDENTAL_COST;
            default -> 1;
        };
    }

    @Override
    public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out, int n, float p0, float p1) {
        long t0 = timings.start();
        try {
            float[] a = of(x);
            float[] o = of(out);
            parallel.forRange(n, unaryCost(op), (from, to) -> kernels.unary(op, a, o, from, to, p0, p1));
        } finally {
            timings.stop(UNARY_OPS[op.ordinal()], t0);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                              int n, float p0, float p1) {
        long t0 = timings.start();
        try {
            float[] a = of(x);
            float[] out = y == null ? null : of(y);
            float[] g = of(gy);
            float[] o = of(gx);
            parallel.forRange(n, unaryCost(op), (from, to) -> kernels.unaryBackward(op, a, out, g, o, from, to, p0, p1));
        } finally {
            timings.stop(UNARY_BACKWARD_OPS[op.ordinal()], t0);
        }
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, int[] aStrides, DeviceBuffer b, int[] bStrides,
                       DeviceBuffer out, int[] outShape) {
        long t0 = timings.start();
        try {
            float[] x = of(a);
            float[] y = of(b);
            float[] o = of(out);
            if (numel(outShape) == 0) {
                return;
            }
            StridedLayout layout = StridedLayout.of(outShape, aStrides, bStrides, contiguousStrides(outShape));
            int len = layout.rowLength();
            int sa = layout.rowStride(0);
            int sb = layout.rowStride(1);
            parallel.forRange(layout.rows(), len, (from, to) -> {
                int[] at = new int[3];
                StridedLayout.Cursor cursor = layout.cursor(from, at);
                for (int row = from; row < to; row++, cursor.next()) {
                    binaryRow(op, x, at[0], sa, y, at[1], sb, o, at[2], len);
                }
            });
        } finally {
            timings.stop(BINARY_OPS[op.ordinal()], t0);
        }
    }

    /** One row of a broadcast binary op; the output row is contiguous. */
    private void binaryRow(BinaryOp op, float[] x, int xo, int sa, float[] y, int yo, int sb, float[] o, int oo, int len) {
        if (sa == 1 && sb == 1) {
            kernels.binary(op, x, xo, y, yo, o, oo, len);
        } else if (sa == 1 && sb == 0) {
            kernels.binaryScalar(op, x, xo, y[yo], false, o, oo, len);
        } else if (sa == 0 && sb == 1) {
            kernels.binaryScalar(op, y, yo, x[xo], true, o, oo, len);
        } else if (sa == 0 && sb == 0) {
            Arrays.fill(o, oo, oo + len, ScalarMath.binary(op, x[xo], y[yo]));
        } else {
            for (int i = 0; i < len; i++) {
                o[oo + i] = ScalarMath.binary(op, x[xo + i * sa], y[yo + i * sb]);
            }
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, DeviceBuffer x, float s, boolean scalarFirst, DeviceBuffer out, int n) {
        long t0 = timings.start();
        try {
            float[] a = of(x);
            float[] o = of(out);
            long cost = op == BinaryOp.POW ? TRANSCENDENTAL_COST : 1;
            parallel.forRange(n, cost, (from, to) -> kernels.binaryScalar(op, a, from, s, scalarFirst, o, from, to - from));
        } finally {
            timings.stop(BINARY_SCALAR_OPS[op.ordinal()], t0);
        }
    }

    // ================================================================ reductions

    @Override
    public void reduce(ReduceOp op, DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner) {
        long t0 = timings.start();
        try {
            float[] a = of(x);
            float[] o = of(out);
            if (inner == 1) {
                if (outer >= parallel.parts(outer * n, 1) || n < 2) {
                    parallel.forRange(outer, n, (from, to) -> {
                        for (int p = from; p < to; p++) {
                            o[p] = reduceRow(op, a, p * n, n);
                        }
                    });
                } else {
                    for (int p = 0; p < outer; p++) {
                        o[p] = reduceRowSplit(op, a, p * n, n);
                    }
                }
                return;
            }
            forColumns(outer, inner, n, (p, i0, i1) ->
                    kernels.reduceColumns(op, a, p * n * inner + i0, n, inner, o, p * inner + i0, i1 - i0));
        } finally {
            timings.stop(REDUCE_OPS[op.ordinal()], t0);
        }
    }

    private float reduceRow(ReduceOp op, float[] a, int off, int n) {
        return op == ReduceOp.SUM ? (float) kernels.sum(a, off, n) : kernels.extremum(op, a, off, n);
    }

    /** One long row reduced by all threads: partial results per part, combined in order. */
    private float reduceRowSplit(ReduceOp op, float[] a, int off, int n) {
        int parts = parallel.parts(n, 1);
        double[] partial = new double[parts];
        parallel.forParts(parts, n, (q, from, to) -> partial[q] = op == ReduceOp.SUM
                ? kernels.sum(a, off + from, to - from)
                : kernels.extremum(op, a, off + from, to - from));
        if (op == ReduceOp.SUM) {
            double s = 0;
            for (double v : partial) {
                s += v;
            }
            return (float) s;
        }
        float m = (float) partial[0];
        for (int q = 1; q < parts && !Float.isNaN(m); q++) {
            m = ScalarMath.binary(op == ReduceOp.MAX ? BinaryOp.MAX : BinaryOp.MIN, m, (float) partial[q]);
        }
        return m;
    }

    @Override
    public void argReduce(boolean max, DeviceBuffer x, DeviceBuffer outIndex, int outer, int n, int inner) {
        long t0 = timings.start();
        try {
            indexing.argReduce(max, of(x), of(outIndex), outer, n, inner);
        } finally {
            timings.stop("argReduce", t0);
        }
    }

    /** A body over columns [i0, i1) of slice {@code p} of an {@code [outer, n, inner]} view. */
    @FunctionalInterface
    private interface ColumnBody {
        void run(int p, int i0, int i1);
    }

    /**
     * Runs {@code body} over every (slice, column range) of an [outer, n, inner] view: whole
     * slices per thread when there are enough of them, otherwise column ranges of every slice.
     */
    private void forColumns(int outer, int inner, long workPerColumn, ColumnBody body) {
        int parts = parallel.parts(outer * inner, workPerColumn);
        if (outer >= parts) {
            parallel.forRange(outer, inner * workPerColumn, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    body.run(p, 0, inner);
                }
            });
        } else {
            parallel.forParts(parts, inner, (q, i0, i1) -> {
                for (int p = 0; p < outer; p++) {
                    body.run(p, i0, i1);
                }
            });
        }
    }

    // ================================================================ linear algebra

    @Override
    public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int aBatchStride,
                     DeviceBuffer b, int bOffset, int bBatchStride,
                     float beta, DeviceBuffer c, int cOffset, int cBatchStride) {
        long t0 = timings.start();
        try {
            gemm.gemm(transA, transB, batch, m, n, k, alpha, of(a), aOffset, aBatchStride, of(b), bOffset, bBatchStride,
                    beta, of(c), cOffset, cBatchStride);
        } finally {
            timings.stop("gemm", t0);
        }
    }

    /**
     * Differences are formed explicitly (vectorised over d) rather than through the Gram
     * identity |xi|² + |xj|² − 2xi·xj, which loses every digit when points are close to each
     * other but far from the origin. Rows go in blocks of four (each row j read once per block);
     * each pair is computed once and mirrored. Block b is paired with the mirror block from the
     * end, so that every unit of work has about the same size.
     */
    @Override
    public void pairwiseSquaredDistances(DeviceBuffer x, DeviceBuffer out, int n, int d) {
        long t0 = timings.start();
        try {
            float[] a = of(x);
            float[] o = of(out);
            int blocks = (n + DISTANCE_ROWS - 1) / DISTANCE_ROWS;
            int units = (blocks + 1) / 2;
            parallel.forRange(units, (long) n * d * DISTANCE_ROWS, (u0, u1) -> {
                double[] row = new double[DISTANCE_ROWS];
                for (int u = u0; u < u1; u++) {
                    distanceBlock(a, o, u, n, d, row);
                    if (blocks - 1 - u != u) {
                        distanceBlock(a, o, blocks - 1 - u, n, d, row);
                    }
                }
            });
        } finally {
            timings.stop("pairwiseSquaredDistances", t0);
        }
    }

    /** Writes out[i, j] and out[j, i] for the rows i of block {@code block} and every j ≥ i. */
    private void distanceBlock(float[] a, float[] o, int block, int n, int d, double[] row) {
        int i0 = block * DISTANCE_ROWS;
        int rows = Math.min(DISTANCE_ROWS, n - i0);
        for (int j = i0; j < n; j++) {
            kernels.squaredDistances(a, d, i0, rows, j, row);
            for (int r = 0; r < rows; r++) {
                int i = i0 + r;
                if (j > i) {
                    float v = (float) row[r];
                    o[i * n + j] = v;
                    o[j * n + i] = v;
                } else if (j == i) {
                    o[i * n + i] = 0f;
                }
            }
        }
    }

    // ================================================================ convolution

    @Override
    public void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer out, ConvGeometry g) {
        long t0 = timings.start();
        try {
            convolution.forward(of(x), of(w), bias == null ? null : of(bias), of(out), g);
        } finally {
            timings.stop("conv2d", t0);
        }
    }

    @Override
    public void conv2dBackwardInput(DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx, ConvGeometry g) {
        long t0 = timings.start();
        try {
            convolution.backwardInput(of(gy), of(w), of(gx), g);
        } finally {
            timings.stop("conv2dBackwardInput", t0);
        }
    }

    @Override
    public void conv2dBackwardWeight(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, ConvGeometry g) {
        long t0 = timings.start();
        try {
            convolution.backwardWeight(of(x), of(gy), of(gw), g);
        } finally {
            timings.stop("conv2dBackwardWeight", t0);
        }
    }

    // ================================================================ pooling and resampling

    @Override
    public void maxPool2d(DeviceBuffer x, DeviceBuffer out, DeviceBuffer switches, PoolGeometry g) {
        long t0 = timings.start();
        try {
            pooling.maxPool(of(x), of(out), switches == null ? null : of(switches), g);
        } finally {
            timings.stop("maxPool2d", t0);
        }
    }

    @Override
    public void maxPool2dBackward(DeviceBuffer gy, DeviceBuffer switches, DeviceBuffer gx, PoolGeometry g) {
        long t0 = timings.start();
        try {
            pooling.maxPoolBackward(of(gy), of(switches), of(gx), g);
        } finally {
            timings.stop("maxPool2dBackward", t0);
        }
    }

    @Override
    public void avgPool2d(DeviceBuffer x, DeviceBuffer out, PoolGeometry g) {
        long t0 = timings.start();
        try {
            pooling.avgPool(of(x), of(out), g);
        } finally {
            timings.stop("avgPool2d", t0);
        }
    }

    @Override
    public void avgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, PoolGeometry g) {
        long t0 = timings.start();
        try {
            pooling.avgPoolBackward(of(gy), of(gx), g);
        } finally {
            timings.stop("avgPool2dBackward", t0);
        }
    }

    @Override
    public void upsample2d(UpsampleMode mode, DeviceBuffer x, DeviceBuffer out, int planes, int inH, int inW,
                           int outH, int outW) {
        long t0 = timings.start();
        try {
            resampling.forward(mode, of(x), of(out), planes, inH, inW, outH, outW);
        } finally {
            timings.stop(UPSAMPLE_OPS[mode.ordinal()], t0);
        }
    }

    @Override
    public void upsample2dBackward(UpsampleMode mode, DeviceBuffer gy, DeviceBuffer gx, int planes, int inH, int inW,
                                   int outH, int outW) {
        long t0 = timings.start();
        try {
            resampling.backward(mode, of(gy), of(gx), planes, inH, inW, outH, outW);
        } finally {
            timings.stop(UPSAMPLE_BACKWARD_OPS[mode.ordinal()], t0);
        }
    }

    // ================================================================ normalisation

    @Override
    public void softmax(DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner, boolean log) {
        long t0 = timings.start();
        try {
            float[] a = of(x);
            float[] y = of(out);
            if (inner == 1) {
                parallel.forRange(outer, (long) n * TRANSCENDENTAL_COST, (p0, p1) -> {
                    for (int p = p0; p < p1; p++) {
                        kernels.softmaxRow(a, y, p * n, n, log);
                    }
                });
            } else {
                forColumns(outer, inner, (long) n * TRANSCENDENTAL_COST, (p, i0, i1) ->
                        kernels.softmaxColumns(a, y, p * n * inner + i0, n, inner, i1 - i0, log));
            }
        } finally {
            timings.stop("softmax", t0);
        }
    }

    @Override
    public void softmaxBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int outer, int n, int inner,
                                boolean log) {
        long t0 = timings.start();
        try {
            float[] out = of(y);
            float[] g = of(gy);
            float[] o = of(gx);
            long cost = log ? TRANSCENDENTAL_COST : 2;
            if (inner == 1) {
                parallel.forRange(outer, n * cost, (p0, p1) -> {
                    for (int p = p0; p < p1; p++) {
                        kernels.softmaxBackwardRow(out, g, o, p * n, n, log);
                    }
                });
            } else {
                forColumns(outer, inner, n * cost, (p, i0, i1) ->
                        kernels.softmaxBackwardColumns(out, g, o, p * n * inner + i0, n, inner, i1 - i0, log));
            }
        } finally {
            timings.stop("softmaxBackward", t0);
        }
    }

    /** Channels spread over the threads; within a channel, each [hw] run of every image is vectorised. */
    @Override
    public void batchNormForward(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer out,
                                 DeviceBuffer mean, DeviceBuffer invStd, int n, int c, int hw, float eps) {
        long t0 = timings.start();
        try {
            float[] X = of(x);
            float[] Y = of(out);
            float[] G = gamma == null ? null : of(gamma);
            float[] B = beta == null ? null : of(beta);
            float[] M = of(mean);
            float[] S = of(invStd);
            int count = n * hw;
            parallel.forRange(c, 3L * count, (c0, c1) -> {
                for (int ch = c0; ch < c1; ch++) {
                    double sum = 0;
                    for (int b = 0; b < n; b++) {
                        sum += kernels.sum(X, (b * c + ch) * hw, hw);
                    }
                    double mu = sum / count;
                    float muF = (float) mu;
                    double squares = 0;
                    for (int b = 0; b < n; b++) {
                        squares += kernels.sumSquaredDeviations(X, (b * c + ch) * hw, hw, muF);
                    }
                    // Deviations were taken from the float mean: Σ(x − m')² = Σ(x − m)² + count·(m − m')².
                    double var = Math.max(squares / count - (mu - muF) * (mu - muF), 0.0);
                    double inv = 1.0 / Math.sqrt(var + eps);
                    M[ch] = muF;
                    S[ch] = (float) inv;
                    float scale = (float) ((G == null ? 1.0 : G[ch]) * inv);
                    float shift = B == null ? 0f : B[ch];
                    float muLow = (float) (mu - muF);
                    for (int b = 0; b < n; b++) {
                        kernels.normalize(X, Y, (b * c + ch) * hw, hw, muF, muLow, scale, shift);
                    }
                }
            });
        } finally {
            timings.stop("batchNormForward", t0);
        }
    }

    @Override
    public void batchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer mean,
                                  DeviceBuffer invStd, DeviceBuffer gx, DeviceBuffer gGamma, DeviceBuffer gBeta,
                                  int n, int c, int hw) {
        long t0 = timings.start();
        try {
            float[] X = of(x);
            float[] GY = of(gy);
            float[] G = gamma == null ? null : of(gamma);
            float[] M = of(mean);
            float[] S = of(invStd);
            float[] GX = of(gx);
            float[] GG = gGamma == null ? null : of(gGamma);
            float[] GB = gBeta == null ? null : of(gBeta);
            int count = n * hw;
            parallel.forRange(c, 3L * count, (c0, c1) -> {
                for (int ch = c0; ch < c1; ch++) {
                    float mu = M[ch];
                    double inv = S[ch];
                    double sumG = 0;
                    double sumGCentered = 0;
                    for (int b = 0; b < n; b++) {
                        int off = (b * c + ch) * hw;
                        sumG += kernels.sum(GY, off, hw);
                        sumGCentered += kernels.sumProductCentered(GY, X, off, hw, mu);
                    }
                    double sumGX = sumGCentered * inv;
                    if (GG != null) {
                        GG[ch] = (float) sumGX;
                    }
                    if (GB != null) {
                        GB[ch] = (float) sumG;
                    }
                    double gam = G == null ? 1.0 : G[ch];
                    // gx = γ·inv·(gy − Σgy/count − x̂·Σ(gy·x̂)/count), with x̂ = (x − μ)·inv.
                    float k = (float) (gam * inv);
                    float a = (float) (sumG / count);
                    float slope = (float) (inv * sumGX / count);
                    for (int b = 0; b < n; b++) {
                        kernels.batchNormInputGradient(X, GY, GX, (b * c + ch) * hw, hw, mu, k, a, slope);
                    }
                }
            });
        } finally {
            timings.stop("batchNormBackward", t0);
        }
    }

    // ================================================================ indexing

    @Override
    public void gather(DeviceBuffer x, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k) {
        long t0 = timings.start();
        try {
            indexing.gather(of(x), of(index), of(out), outer, n, inner, k);
        } finally {
            timings.stop("gather", t0);
        }
    }

    @Override
    public void scatterAdd(DeviceBuffer src, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k) {
        long t0 = timings.start();
        try {
            indexing.scatterAdd(of(src), of(index), of(out), outer, n, inner, k);
        } finally {
            timings.stop("scatterAdd", t0);
        }
    }

    // ================================================================ random fills (Philox: bit-identical to the reference)

    @Override
    public void randomUniform(DeviceBuffer out, int n, long seed, long offset, float lo, float hi) {
        long t0 = timings.start();
        try {
            float[] o = of(out);
            parallel.forRange(n, RANDOM_COST, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = Philox.uniform(seed, offset + i, lo, hi);
                }
            });
        } finally {
            timings.stop("randomUniform", t0);
        }
    }

    @Override
    public void randomNormal(DeviceBuffer out, int n, long seed, long offset, float mean, float std) {
        long t0 = timings.start();
        try {
            float[] o = of(out);
            parallel.forRange(n, RANDOM_COST, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = mean + std * Philox.normal(seed, offset + i);
                }
            });
        } finally {
            timings.stop("randomNormal", t0);
        }
    }

    @Override
    public void randomBernoulli(DeviceBuffer out, int n, long seed, long offset, float p) {
        long t0 = timings.start();
        try {
            float[] o = of(out);
            parallel.forRange(n, RANDOM_COST, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = Philox.bernoulli(seed, offset + i, p);
                }
            });
        } finally {
            timings.stop("randomBernoulli", t0);
        }
    }

    // ================================================================ optimiser steps

    @Override
    public void adamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer vMax,
                         int n, AdamConfig config) {
        long t0 = timings.start();
        try {
            if (config.amsgrad() && vMax == null) {
                throw new IllegalArgumentException("adamStep: amsgrad needs a vMax buffer, got null");
            }
            float[] P = of(param);
            float[] G = of(grad);
            float[] M = of(m);
            float[] V = of(v);
            float[] VM = vMax == null ? null : of(vMax);
            AdamCoefficients c = AdamCoefficients.of(config);
            parallel.forRange(n, 4, (from, to) -> kernels.adam(P, G, M, V, VM, from, to, c));
        } finally {
            timings.stop("adamStep", t0);
        }
    }

    @Override
    public void sgdStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer momentumBuffer, int n, SgdConfig config) {
        long t0 = timings.start();
        try {
            if (config.momentum() != 0f && momentumBuffer == null) {
                throw new IllegalArgumentException("sgdStep: momentum " + config.momentum() + " needs a momentum buffer, got null");
            }
            float[] P = of(param);
            float[] G = of(grad);
            float[] B = momentumBuffer == null ? null : of(momentumBuffer);
            SgdCoefficients c = SgdCoefficients.of(config);
            parallel.forRange(n, 2, (from, to) -> kernels.sgd(P, G, B, from, to, c));
        } finally {
            timings.stop("sgdStep", t0);
        }
    }

    // ================================================================ helpers

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }
}
