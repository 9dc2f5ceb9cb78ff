package org.siftfunnel.kernels.opencl;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_event;
import org.siftfunnel.engine.backend.AdamConfig;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.PoolGeometry;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.SgdConfig;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * The OpenCL backend: tensors live in device buffers ({@link ClBuffer}) and every kernel of the
 * contract runs on the device (sources in {@code *.cl} next to this class). Commands go to one
 * in-order queue and run asynchronously; {@link #download} and {@link #synchronize} wait.
 * Every command is profiled: see {@link #timings()}.
 *
 * <p>Thread-safe: launches are serialised on the device's queue, and operations that use
 * scratch buffers hold the queue's lock for their whole sequence of launches.
 */
public final class OpenClBackend implements Backend {
    public static final String NAME = "opencl";

    /** Reductions with at least this many elements per output may use a work-group per output. */
    private static final int TREE_MIN_N = 64;
    /** Below this many outputs a work-group per output keeps the device busy. */
    private static final int TREE_MAX_OUTPUTS = 1024;
    /** Rows at least this long are reduced in two passes when there are few of them. */
    private static final int SPLIT_ROW_MIN = 1 << 16;
    /** Elements per work-group in the first pass of a two-pass reduction. */
    private static final int SPLIT_ROW_PART = 1 << 14;
    /** scatterAdd scans k indices per output element while n·k stays below this (deterministic). */
    private static final long SCATTER_OWNED_MAX_WORK = 4096;

    /** The reusable scratch buffers of multi-kernel operations. */
    enum Scratch {
        COLUMNS, CHANNEL_MAJOR, GEMM_PARTS, NORM_SUMS, REDUCE_PARTS
    }

    private final ClRuntime runtime;
    private final ClDevice device;
    private final ClBuffer placeholder;
    private final ClBuffer indexErrors;
    /** Where {@link #checkIndices} reads {@link #indexErrors} (under the runtime's lock). */
    private final InfoBuffer indexErrorsOut = new InfoBuffer(2L * Integer.BYTES);
    /** Whether JOCL's reads into Java arrays arrive here (see {@link #readsIntoArraysWork}). */
    private final boolean readsIntoArrays;
    private final Map<Scratch, ClBuffer> scratch = new EnumMap<>(Scratch.class);
    private final ClGemm gemm;
    private final ClConvolution convolution;

    /** A backend on {@code device} with its own context and queue. */
    public OpenClBackend(ClDevice device) {
        this(device, true, Long.MAX_VALUE);
    }

    /**
     * For tests of the paths other devices take.
     *
     * @param allowFp64    false builds the kernels without double precision even where the device
     *                     has it, as on devices without cl_khr_fp64
     * @param workGroupCap a work-group limit below the device's, as on small devices (the tiled
     *                     kernels need 256 work-items and are replaced by their fallbacks below that)
     */
    OpenClBackend(ClDevice device, boolean allowFp64, long workGroupCap) {
        this.device = device;
        this.runtime = new ClRuntime(device, allowFp64, workGroupCap);
        this.placeholder = allocate(1);
        this.indexErrors = allocate(2);
        this.readsIntoArrays = readsIntoArraysWork();
        this.gemm = new ClGemm(this, runtime);
        this.convolution = new ClConvolution(this, runtime, gemm);
    }

    /** The backend for a device qualifier ({@code null}, {@code "1"}, {@code "nvidia"}); see {@link ClDevices#select}. */
    public static OpenClBackend create(String qualifier) {
        return new OpenClBackend(ClDevices.select(ClDevices.list(), qualifier));
    }

    public ClDevice device() {
        return device;
    }

    /**
     * Device time per operation, from the profiling events of everything this backend enqueued.
     * Always recording: the queue profiles every command anyway.
     */
    public OpTimings timings() {
        return runtime.timings();
    }

    @Override
    public Optional<OpTimings> opTimings() {
        return Optional.of(runtime.timings());
    }

    /** Whether the kernels use double precision for the steps the reference computes in double. */
    boolean usesFp64() {
        return runtime.fp64();
    }

    /** Bytes of device memory held by buffers not yet released (reachable, or awaiting their Cleaner). */
    long liveDeviceBytes() {
        return runtime.memory().inUseBytes();
    }

    /** The device memory pool. */
    ClMemoryPool memoryPool() {
        return runtime.memory();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "opencl: " + device.name() + " (" + device.platformName() + "; " + device.type() + ", " + device.openClVersion()
                + ", " + device.computeUnits() + " compute units, " + OpenClInfo.bytes(device.globalMemBytes()) + ")";
    }

    // ---------------------------------------------------------------- memory

    @Override
    public ClBuffer allocate(int n) {
        ClBuffer b = newBuffer(n, "allocate");
        fillRange(b, 0, n, 0f, "allocate"); // recycled memory holds old values
        return b;
    }

    private ClBuffer newBuffer(long n, String op) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": buffer size " + n + " must be in [0, " + Integer.MAX_VALUE + "]");
        }
        long capacity = ClMemoryPool.capacity(n * Float.BYTES);
        return new ClBuffer(this, runtime.memory().acquire(capacity), (int) n, capacity, runtime.memory());
    }

    @Override
    public ClBuffer upload(float[] data) {
        ClBuffer b = newBuffer(data.length, "upload");
        write(data, 0, b, 0, data.length);
        return b;
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, float[] dst, int dstOffset, int n) {
        ClBuffer s = buffer(src, "download");
        ClChecks.checkRange("download", "source", s, srcOffset, n);
        ClChecks.checkHostRange("download", dst.length, dstOffset, n);
        if (n == 0) {
            return;
        }
        runtime.lock();
        try {
            if (readsIntoArrays) {
                cl_event event = new cl_event();
                CL.clEnqueueReadBuffer(runtime.queue(), s.mem(), true, (long) srcOffset * Float.BYTES, (long) n * Float.BYTES,
                        Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES), 0, null, event);
                runtime.track("download", event);
            } else {
                stagedDownload(s, srcOffset, dst, dstOffset, n);
            }
        } finally {
            runtime.unlock();
            Reference.reachabilityFence(s);
        }
        // The read was blocking, so everything queued before it has finished too.
        runtime.harvestCompleted();
    }

    /** Whether downloads read straight into the caller's array (else through a native buffer). */
    boolean readsIntoArrays() {
        return readsIntoArrays;
    }

    /** {@link #download} through a native buffer, in chunks (callers hold the lock). */
    private void stagedDownload(ClBuffer s, int srcOffset, float[] dst, int dstOffset, int n) {
        FloatBuffer stage = runtime.downloadStage(n);
        for (int done = 0; done < n; done += stage.capacity()) {
            int m = Math.min(stage.capacity(), n - done);
            cl_event event = new cl_event();
            CL.clEnqueueReadBuffer(runtime.queue(), s.mem(), true, (long) (srcOffset + done) * Float.BYTES,
                    (long) m * Float.BYTES, Pointer.to(stage), 0, null, event);
            runtime.track("download", event);
            stage.get(0, dst, dstOffset + done, m);
        }
    }

    /**
     * Reads two known values into a Java array the way {@link #download} does. JOCL fills a Java
     * array only where the JVM lets native code write it in place; under {@code -Xcheck:jni}
     * (which hands native code a copy) every such read came back as zeros. Then downloads go
     * through a native staging buffer instead, which costs a second copy: 1.8–1.9 ms instead of
     * 0.8–0.9 ms for 16 MiB on PoCL (2 shared cores), so it is not the default.
     */
    private boolean readsIntoArraysWork() {
        float[] known = {42f, -1.5f};
        write(known, 0, indexErrors, 0, 2);
        float[] back = new float[2];
        runtime.lock();
        try {
            CL.clEnqueueReadBuffer(runtime.queue(), indexErrors.mem(), true, 0, 2L * Float.BYTES, Pointer.to(back), 0, null, null);
        } finally {
            runtime.unlock();
        }
        fill(indexErrors, 0, 2, 0f);
        return back[0] == known[0] && back[1] == known[1];
    }

    @Override
    public void write(float[] src, int srcOffset, DeviceBuffer dst, int dstOffset, int n) {
        ClBuffer d = buffer(dst, "write");
        ClChecks.checkRange("write", "destination", d, dstOffset, n);
        ClChecks.checkHostRange("write", src.length, srcOffset, n);
        if (n == 0) {
            return;
        }
        // Blocking: the caller may change its array as soon as we return.
        runtime.lock();
        try {
            cl_event event = new cl_event();
            CL.clEnqueueWriteBuffer(runtime.queue(), d.mem(), true, (long) dstOffset * Float.BYTES, (long) n * Float.BYTES,
                    Pointer.to(src).withByteOffset((long) srcOffset * Float.BYTES), 0, null, event);
            runtime.track("write", event);
        } finally {
            runtime.unlock();
            Reference.reachabilityFence(d);
        }
    }

    @Override
    public void fill(DeviceBuffer out, int offset, int n, float value) {
        ClBuffer o = buffer(out, "fill");
        ClChecks.checkRange("fill", "output", o, offset, n);
        fillRange(o, offset, n, value, "fill");
    }

    private void fillRange(ClBuffer b, int offset, int n, float value, String op) {
        if (n == 0) {
            return;
        }
        runtime.lock();
        try {
            cl_event event = new cl_event();
            CL.clEnqueueFillBuffer(runtime.queue(), b.mem(), Pointer.to(new float[] {value}), Float.BYTES,
                    (long) offset * Float.BYTES, (long) n * Float.BYTES, 0, null, event);
            runtime.track(op, event);
        } finally {
            runtime.unlock();
            Reference.reachabilityFence(b);
        }
    }

    @Override
    public void copy(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int n) {
        ClBuffer s = buffer(src, "copy");
        ClBuffer d = buffer(dst, "copy");
        ClChecks.checkRange("copy", "source", s, srcOffset, n);
        ClChecks.checkRange("copy", "destination", d, dstOffset, n);
        if (n == 0 || (s == d && srcOffset == dstOffset)) {
            return;
        }
        runtime.lock();
        try {
            if (s == d && Math.abs(srcOffset - dstOffset) < n) {
                // OpenCL forbids overlapping copies within one buffer: go through a temporary.
                ClBuffer tmp = newBuffer(n, "copy");
                copyBuffer(s, srcOffset, tmp, 0, n);
                copyBuffer(tmp, 0, d, dstOffset, n);
            } else {
                copyBuffer(s, srcOffset, d, dstOffset, n);
            }
        } finally {
            runtime.unlock();
        }
    }

    private void copyBuffer(ClBuffer s, int srcOffset, ClBuffer d, int dstOffset, int n) {
        runtime.lock();
        try {
            cl_event event = new cl_event();
            CL.clEnqueueCopyBuffer(runtime.queue(), s.mem(), d.mem(), (long) srcOffset * Float.BYTES,
                    (long) dstOffset * Float.BYTES, (long) n * Float.BYTES, 0, null, event);
            runtime.track("copy", event);
        } finally {
            runtime.unlock();
            Reference.reachabilityFence(s);
            Reference.reachabilityFence(d);
        }
    }

    @Override
    public void copyStrided(DeviceBuffer src, int srcOffset, int[] srcStrides,
                            DeviceBuffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        ClBuffer s = buffer(src, "copyStrided");
        ClBuffer d = buffer(dst, "copyStrided");
        if (srcStrides.length != shape.length || dstStrides.length != shape.length) {
            throw new IllegalArgumentException("copyStrided: shape " + Arrays.toString(shape) + " needs "
                    + shape.length + " strides per side, got " + srcStrides.length + " and " + dstStrides.length);
        }
        ClChecks.checkStridedRange("copyStrided", "source", s, srcOffset, srcStrides, shape);
        ClChecks.checkStridedRange("copyStrided", "destination", d, dstOffset, dstStrides, shape);
        if (ClChecks.product(shape) == 0) {
            return;
        }
        ClKernel k = runtime.kernel("elementwise", "copy_strided");
        StridedLayout.of(shape, srcStrides, dstStrides).forEachBlock(block -> k.launch("copyStrided")
                .buf(s).i(srcOffset + block.offsets()[0]).int8(block.strides()[0])
                .buf(d).i(dstOffset + block.offsets()[1]).int8(block.strides()[1])
                .int8(block.shape()).i(block.shape().length).i(block.size())
                .run1d(block.size()));
    }

    @Override
    public void synchronize() {
        runtime.finish();
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out, int n, float p0, float p1) {
        ClBuffer xb = input(x, n, "unary " + op, "x");
        ClBuffer ob = input(out, n, "unary " + op, "out");
        runtime.kernel("elementwise", "unary").launch("unary/" + op)
                .i(op.ordinal()).buf(xb).buf(ob).i(n).f(p0).f(p1).run1d(n);
    }

    @Override
    public void unaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                              int n, float p0, float p1) {
        String what = "unaryBackward " + op;
        ClBuffer xb = input(x, n, what, "x");
        ClBuffer yb = y == null ? placeholder : input(y, n, what, "y");
        runtime.kernel("elementwise", "unary_backward").launch("unaryBackward/" + op)
                .i(op.ordinal()).buf(xb).buf(yb).i(y != null).buf(input(gy, n, what, "gy")).buf(input(gx, n, what, "gx"))
                .i(n).f(p0).f(p1).run1d(n);
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, int[] aStrides, DeviceBuffer b, int[] bStrides,
                       DeviceBuffer out, int[] outShape) {
        String what = "binary " + op;
        ClBuffer ab = buffer(a, what);
        ClBuffer bb = buffer(b, what);
        ClBuffer ob = buffer(out, what);
        if (aStrides.length != outShape.length || bStrides.length != outShape.length) {
            throw new IllegalArgumentException(what + ": output shape " + Arrays.toString(outShape)
                    + " needs " + outShape.length + " strides per operand, got " + aStrides.length + " and " + bStrides.length);
        }
        int[] outStrides = StridedLayout.contiguousStrides(outShape);
        ClChecks.checkStridedRange(what, "a", ab, 0, aStrides, outShape);
        ClChecks.checkStridedRange(what, "b", bb, 0, bStrides, outShape);
        ClChecks.checkStridedRange(what, "out", ob, 0, outStrides, outShape);
        if (ClChecks.product(outShape) == 0) {
            return;
        }
        ClKernel k = runtime.kernel("elementwise", "binary");
        StridedLayout.of(outShape, aStrides, bStrides, outStrides).forEachBlock(block -> k.launch("binary/" + op)
                .i(op.ordinal())
                .buf(ab).i(block.offsets()[0]).int8(block.strides()[0])
                .buf(bb).i(block.offsets()[1]).int8(block.strides()[1])
                .buf(ob).i(block.offsets()[2]).int8(block.shape()).i(block.shape().length).i(block.size())
                .run1d(block.size()));
    }

    @Override
    public void binaryScalar(BinaryOp op, DeviceBuffer x, float s, boolean scalarFirst, DeviceBuffer out, int n) {
        String what = "binaryScalar " + op;
        runtime.kernel("elementwise", "binary_scalar").launch("binaryScalar/" + op)
                .i(op.ordinal()).buf(input(x, n, what, "x")).f(s).i(scalarFirst).buf(input(out, n, what, "out")).i(n).run1d(n);
    }

    // ---------------------------------------------------------------- reductions

    /** A work-group per output for long rows and few outputs; a work-item per output otherwise. */
    private static boolean useTree(int outer, int n, int inner) {
        return n >= TREE_MIN_N && (inner == 1 || (long) outer * inner < TREE_MAX_OUTPUTS);
    }

    /** Power-of-two work-group for a tree over rows of {@code n}. */
    private static int treeGroup(ClKernel k, long n) {
        return k.powerOfTwoWorkGroup((int) Math.min(256, Long.highestOneBit(Math.max(1, n - 1)) * 2));
    }

    @Override
    public void reduce(ReduceOp op, DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner) {
        String what = "reduce " + op;
        ClBuffer xb = input(x, (long) outer * n * inner, what, "x");
        ClBuffer ob = input(out, (long) outer * inner, what, "out");
        int outputs = outer * inner;
        if (outputs == 0) {
            return;
        }
        if (n == 0) {
            fillRange(ob, 0, outputs, op == ReduceOp.SUM ? 0f : op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY
                    : Float.POSITIVE_INFINITY, "reduce/" + op);
            return;
        }
        if (inner == 1 && n >= SPLIT_ROW_MIN && outer < 4L * device.computeUnits()) {
            reduceLongRows(op, xb, ob, outer, n);
        } else if (useTree(outer, n, inner)) {
            ClKernel k = runtime.kernel("reduce", "reduce_tree");
            int group = treeGroup(k, n);
            k.launch("reduce/" + op).i(op.ordinal()).buf(xb).buf(ob).i(n).i(inner).local((long) group * Float.BYTES)
                    .run(new long[] {(long) outputs * group}, new long[] {group});
        } else {
            runtime.kernel("reduce", "reduce_serial").launch("reduce/" + op)
                    .i(op.ordinal()).buf(xb).buf(ob).i(outer).i(n).i(inner).run1d(outputs);
        }
    }

    /**
     * A few long rows: one work-group per row would leave most of a GPU idle, so every row is
     * cut into parts reduced by separate groups, then each row's parts are combined.
     */
    private void reduceLongRows(ReduceOp op, ClBuffer x, ClBuffer out, int outer, int n) {
        int parts = (n + SPLIT_ROW_PART - 1) / SPLIT_ROW_PART;
        int partLen = (n + parts - 1) / parts;
        ClKernel first = runtime.kernel("reduce", "reduce_tree_parts");
        ClKernel second = runtime.kernel("reduce", "reduce_tree");
        int group = treeGroup(first, partLen);
        int group2 = treeGroup(second, parts);
        runtime.lock();
        try {
            ClBuffer partial = scratch(Scratch.REDUCE_PARTS, (long) outer * parts);
            first.launch("reduce/" + op + "/parts").i(op.ordinal()).buf(x).buf(partial).i(n).i(parts).i(partLen)
                    .local((long) group * Float.BYTES).run(new long[] {(long) outer * parts * group}, new long[] {group});
            second.launch("reduce/" + op).i(op.ordinal()).buf(partial).buf(out).i(parts).i(1)
                    .local((long) group2 * Float.BYTES).run(new long[] {(long) outer * group2}, new long[] {group2});
        } finally {
            runtime.unlock();
        }
    }

    @Override
    public void argReduce(boolean max, DeviceBuffer x, DeviceBuffer outIndex, int outer, int n, int inner) {
        String what = max ? "argmax" : "argmin";
        if (n < 1) {
            throw new IllegalArgumentException(what + ": the reduced axis is empty (n = 0)");
        }
        ClBuffer xb = input(x, (long) outer * n * inner, what, "x");
        ClBuffer ob = input(outIndex, (long) outer * inner, what, "outIndex");
        int outputs = outer * inner;
        if (useTree(outer, n, inner)) {
            ClKernel k = runtime.kernel("reduce", "arg_tree");
            int group = treeGroup(k, n);
            k.launch(what).i(max).buf(xb).buf(ob).i(n).i(inner)
                    .local((long) group * Float.BYTES).local((long) group * Integer.BYTES)
                    .run(new long[] {(long) outputs * group}, new long[] {group});
        } else {
            runtime.kernel("reduce", "arg_serial").launch(what).i(max).buf(xb).buf(ob).i(outer).i(n).i(inner).run1d(outputs);
        }
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int aBatchStride,
                     DeviceBuffer b, int bOffset, int bBatchStride,
                     float beta, DeviceBuffer c, int cOffset, int cBatchStride) {
        ClBuffer ab = buffer(a, "gemm");
        ClBuffer bb = buffer(b, "gemm");
        ClBuffer cb = buffer(c, "gemm");
        if (batch <= 0 || m <= 0 || n <= 0) {
            return;
        }
        ClChecks.checkRange("gemm", "A", ab, aOffset + (long) (batch - 1) * aBatchStride, (long) m * k);
        ClChecks.checkRange("gemm", "B", bb, bOffset + (long) (batch - 1) * bBatchStride, (long) k * n);
        ClChecks.checkRange("gemm", "C", cb, cOffset + (long) (batch - 1) * cBatchStride, (long) m * n);
        runtime.lock();
        try {
            gemm.run("gemm", transA, transB, batch, m, n, k, alpha,
                    ab, aOffset, aBatchStride, transA ? m : k,
                    bb, bOffset, bBatchStride, transB ? k : n,
                    beta, cb, cOffset, cBatchStride, n);
        } finally {
            runtime.unlock();
        }
    }

    @Override
    public void pairwiseSquaredDistances(DeviceBuffer x, DeviceBuffer out, int n, int d) {
        ClBuffer xb = input(x, (long) n * d, "pairwiseSquaredDistances", "x");
        ClBuffer ob = input(out, (long) n * n, "pairwiseSquaredDistances", "out");
        ClKernel tiled = runtime.kernel("gemm", "pairwise_sq_dist");
        if (tiled.maxWorkGroup() >= 256) {
            tiled.launch("pairwiseSquaredDistances").buf(xb).buf(ob).i(n).i(d)
                    .run(new long[] {ClKernel.roundUp(n, 16), ClKernel.roundUp(n, 16)}, new long[] {16, 16});
        } else {
            ClKernel small = runtime.kernel("gemm", "pairwise_sq_dist_small");
            long group = Math.max(1, Long.highestOneBit((long) Math.sqrt(small.maxWorkGroup())));
            small.launch("pairwiseSquaredDistances").buf(xb).buf(ob).i(n).i(d)
                    .run(new long[] {ClKernel.roundUp(n, group), ClKernel.roundUp(n, group)}, new long[] {group, group});
        }
    }

    // ---------------------------------------------------------------- convolution

    private static long inputSize(ConvGeometry g) {
        return (long) g.batch() * g.inChannels() * g.inH() * g.inW();
    }

    private static long weightSize(ConvGeometry g) {
        return (long) g.outChannels() * g.inChannels() * g.kH() * g.kW();
    }

    private static long outputSize(ConvGeometry g) {
        return (long) g.batch() * g.outChannels() * g.outH() * g.outW();
    }

    @Override
    public void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer out, ConvGeometry g) {
        ClBuffer xb = input(x, inputSize(g), "conv2d", "x");
        ClBuffer wb = input(w, weightSize(g), "conv2d", "weight");
        ClBuffer bb = bias == null ? null : input(bias, g.outChannels(), "conv2d", "bias");
        ClBuffer ob = input(out, outputSize(g), "conv2d", "out");
        runtime.lock();
        try {
            convolution.forward(xb, wb, bb, ob, g);
        } finally {
            runtime.unlock();
        }
    }

    @Override
    public void conv2dBackwardInput(DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx, ConvGeometry g) {
        ClBuffer gyb = input(gy, outputSize(g), "conv2dBackwardInput", "gy");
        ClBuffer wb = input(w, weightSize(g), "conv2dBackwardInput", "weight");
        ClBuffer gxb = input(gx, inputSize(g), "conv2dBackwardInput", "gx");
        runtime.lock();
        try {
            convolution.backwardInput(gyb, wb, gxb, g);
        } finally {
            runtime.unlock();
        }
    }

    @Override
    public void conv2dBackwardWeight(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, ConvGeometry g) {
        ClBuffer xb = input(x, inputSize(g), "conv2dBackwardWeight", "x");
        ClBuffer gyb = input(gy, outputSize(g), "conv2dBackwardWeight", "gy");
        ClBuffer gwb = input(gw, weightSize(g), "conv2dBackwardWeight", "gw");
        runtime.lock();
        try {
            convolution.backwardWeight(xb, gyb, gwb, g);
        } finally {
            runtime.unlock();
        }
    }

    // ---------------------------------------------------------------- pooling and resampling

    private static int[] geometry(PoolGeometry g) {
        return new int[] {g.planes(), g.inH(), g.inW(), g.kH(), g.kW(), g.strideH(), g.strideW(), g.padH(), g.padW(),
            g.outH(), g.outW()};
    }

    @Override
    public void maxPool2d(DeviceBuffer x, DeviceBuffer out, DeviceBuffer switches, PoolGeometry g) {
        long in = (long) g.planes() * g.inH() * g.inW();
        long outN = (long) g.planes() * g.outH() * g.outW();
        ClBuffer xb = input(x, in, "maxPool2d", "x");
        ClBuffer ob = input(out, outN, "maxPool2d", "out");
        ClBuffer sb = switches == null ? placeholder : input(switches, outN, "maxPool2d", "switches");
        runtime.kernel("pool", "max_pool").launch("maxPool2d").buf(xb).buf(ob).buf(sb).i(switches != null)
                .int16(geometry(g)).run1d(outN);
    }

    @Override
    public void maxPool2dBackward(DeviceBuffer gy, DeviceBuffer switches, DeviceBuffer gx, PoolGeometry g) {
        long in = (long) g.planes() * g.inH() * g.inW();
        long outN = (long) g.planes() * g.outH() * g.outW();
        runtime.kernel("pool", "max_pool_backward").launch("maxPool2dBackward")
                .buf(input(gy, outN, "maxPool2dBackward", "gy")).buf(input(switches, outN, "maxPool2dBackward", "switches"))
                .buf(input(gx, in, "maxPool2dBackward", "gx")).int16(geometry(g)).run1d(in);
    }

    @Override
    public void avgPool2d(DeviceBuffer x, DeviceBuffer out, PoolGeometry g) {
        long in = (long) g.planes() * g.inH() * g.inW();
        long outN = (long) g.planes() * g.outH() * g.outW();
        runtime.kernel("pool", "avg_pool").launch("avgPool2d")
                .buf(input(x, in, "avgPool2d", "x")).buf(input(out, outN, "avgPool2d", "out")).int16(geometry(g)).run1d(outN);
    }

    @Override
    public void avgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, PoolGeometry g) {
        long in = (long) g.planes() * g.inH() * g.inW();
        long outN = (long) g.planes() * g.outH() * g.outW();
        runtime.kernel("pool", "avg_pool_backward").launch("avgPool2dBackward")
                .buf(input(gy, outN, "avgPool2dBackward", "gy")).buf(input(gx, in, "avgPool2dBackward", "gx"))
                .int16(geometry(g)).run1d(in);
    }

    @Override
    public void upsample2d(UpsampleMode mode, DeviceBuffer x, DeviceBuffer out, int planes, int inH, int inW, int outH, int outW) {
        long in = (long) planes * inH * inW;
        long outN = (long) planes * outH * outW;
        String what = "upsample2d " + mode;
        runtime.kernel("pool", "upsample_2d").launch("upsample2d/" + mode).i(mode.ordinal())
                .buf(input(x, in, what, "x")).buf(input(out, outN, what, "out"))
                .i(planes).i(inH).i(inW).i(outH).i(outW).run1d(outN);
    }

    @Override
    public void upsample2dBackward(UpsampleMode mode, DeviceBuffer gy, DeviceBuffer gx, int planes, int inH, int inW,
                                   int outH, int outW) {
        long in = (long) planes * inH * inW;
        long outN = (long) planes * outH * outW;
        String what = "upsample2dBackward " + mode;
        runtime.kernel("pool", "upsample_2d_backward").launch("upsample2dBackward/" + mode).i(mode.ordinal())
                .buf(input(gy, outN, what, "gy")).buf(input(gx, in, what, "gx"))
                .i(planes).i(inH).i(inW).i(outH).i(outW).run1d(in);
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void softmax(DeviceBuffer x, DeviceBuffer out, int outer, int n, int inner, boolean log) {
        String what = log ? "logSoftmax" : "softmax";
        long total = (long) outer * n * inner;
        ClBuffer xb = input(x, total, what, "x");
        ClBuffer ob = input(out, total, what, "out");
        if (total == 0) {
            return;
        }
        if (useTree(outer, n, inner)) {
            ClKernel k = runtime.kernel("reduce", "softmax_tree");
            int group = treeGroup(k, n);
            k.launch(what).buf(xb).buf(ob).i(n).i(inner).i(log).local((long) group * Float.BYTES)
                    .run(new long[] {(long) outer * inner * group}, new long[] {group});
        } else {
            runtime.kernel("reduce", "softmax_serial").launch(what).buf(xb).buf(ob).i(outer).i(n).i(inner).i(log)
                    .run1d((long) outer * inner);
        }
    }

    @Override
    public void softmaxBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int outer, int n, int inner, boolean log) {
        String what = log ? "logSoftmaxBackward" : "softmaxBackward";
        long total = (long) outer * n * inner;
        ClBuffer yb = input(y, total, what, "y");
        ClBuffer gyb = input(gy, total, what, "gy");
        ClBuffer gxb = input(gx, total, what, "gx");
        if (total == 0) {
            return;
        }
        if (useTree(outer, n, inner)) {
            ClKernel k = runtime.kernel("reduce", "softmax_backward_tree");
            int group = treeGroup(k, n);
            k.launch(what).buf(yb).buf(gyb).buf(gxb).i(n).i(inner).i(log).local((long) group * Float.BYTES)
                    .run(new long[] {(long) outer * inner * group}, new long[] {group});
        } else {
            runtime.kernel("reduce", "softmax_backward_serial").launch(what).buf(yb).buf(gyb).buf(gxb)
                    .i(outer).i(n).i(inner).i(log).run1d((long) outer * inner);
        }
    }

    @Override
    public void batchNormForward(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer out,
                                 DeviceBuffer mean, DeviceBuffer invStd, int n, int c, int hw, float eps) {
        long total = (long) n * c * hw;
        ClBuffer xb = input(x, total, "batchNormForward", "x");
        boolean affine = gamma != null;
        if (affine != (beta != null)) {
            throw new IllegalArgumentException("batchNormForward: gamma and beta must both be given or both be null");
        }
        ClBuffer gb = affine ? input(gamma, c, "batchNormForward", "gamma") : placeholder;
        ClBuffer bb = affine ? input(beta, c, "batchNormForward", "beta") : placeholder;
        ClBuffer ob = input(out, total, "batchNormForward", "out");
        ClBuffer mb = input(mean, c, "batchNormForward", "mean");
        ClBuffer sb = input(invStd, c, "batchNormForward", "invStd");
        ClKernel stats = runtime.kernel("norm", "batch_norm_stats");
        int group = treeGroup(stats, (long) n * hw);
        runtime.lock();
        try {
            stats.launch("batchNormForward/stats").buf(xb).buf(mb).buf(sb).i(n).i(c).i(hw).f(eps)
                    .local((long) group * Float.BYTES).run(new long[] {(long) c * group}, new long[] {group});
            runtime.kernel("norm", "batch_norm_apply").launch("batchNormForward/apply")
                    .buf(xb).buf(gb).buf(bb).i(affine).buf(mb).buf(sb).buf(ob).i(c).i(hw).i((int) total).run1d(total);
        } finally {
            runtime.unlock();
        }
    }

    @Override
    public void batchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer invStd,
                                  DeviceBuffer gx, DeviceBuffer gGamma, DeviceBuffer gBeta, int n, int c, int hw) {
        long total = (long) n * c * hw;
        String what = "batchNormBackward";
        ClBuffer xb = input(x, total, what, "x");
        ClBuffer gyb = input(gy, total, what, "gy");
        ClBuffer gb = gamma == null ? placeholder : input(gamma, c, what, "gamma");
        ClBuffer mb = input(mean, c, what, "mean");
        ClBuffer sb = input(invStd, c, what, "invStd");
        ClBuffer gxb = input(gx, total, what, "gx");
        ClBuffer ggb = gGamma == null ? placeholder : input(gGamma, c, what, "gGamma");
        ClBuffer gbb = gBeta == null ? placeholder : input(gBeta, c, what, "gBeta");
        ClKernel stats = runtime.kernel("norm", "batch_norm_backward_stats");
        int group = treeGroup(stats, (long) n * hw);
        runtime.lock();
        try {
            ClBuffer sums = scratch(Scratch.NORM_SUMS, 2L * c);
            stats.launch("batchNormBackward/stats").buf(xb).buf(gyb).buf(mb).buf(sb).buf(sums).i(n).i(c).i(hw)
                    .local((long) group * Float.BYTES).run(new long[] {(long) c * group}, new long[] {group});
            if (gGamma != null || gBeta != null) {
                runtime.kernel("norm", "batch_norm_param_grads").launch("batchNormBackward/params")
                        .buf(sums).buf(ggb).i(gGamma != null).buf(gbb).i(gBeta != null).i(c).run1d(c);
            }
            runtime.kernel("norm", "batch_norm_backward_apply").launch("batchNormBackward/apply")
                    .buf(xb).buf(gyb).buf(gb).i(gamma != null).buf(mb).buf(sb).buf(sums).buf(gxb)
                    .i(c).i(hw).f((float) (n * hw)).i((int) total).run1d(total);
        } finally {
            runtime.unlock();
        }
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void gather(DeviceBuffer x, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k) {
        ClBuffer xb = input(x, (long) outer * n * inner, "gather", "x");
        ClBuffer ib = input(index, (long) outer * k * inner, "gather", "index");
        ClBuffer ob = input(out, (long) outer * k * inner, "gather", "out");
        runtime.lock();
        try {
            runtime.kernel("index", "gather").launch("gather").buf(xb).buf(ib).buf(ob).i(outer).i(n).i(inner).i(k)
                    .buf(indexErrors).run1d((long) outer * k * inner);
            checkIndices("gather", n);
        } finally {
            runtime.unlock();
        }
    }

    @Override
    public void scatterAdd(DeviceBuffer src, DeviceBuffer index, DeviceBuffer out, int outer, int n, int inner, int k) {
        ClBuffer sb = input(src, (long) outer * k * inner, "scatterAdd", "src");
        ClBuffer ib = input(index, (long) outer * k * inner, "scatterAdd", "index");
        ClBuffer ob = input(out, (long) outer * n * inner, "scatterAdd", "out");
        runtime.lock();
        try {
            if ((long) n * k <= SCATTER_OWNED_MAX_WORK) {
                runtime.kernel("index", "scatter_add_owned").launch("scatterAdd").buf(sb).buf(ib).buf(ob)
                        .i(outer).i(n).i(inner).i(k).buf(indexErrors).run1d((long) outer * n * inner);
            } else {
                runtime.kernel("index", "scatter_add_atomic").launch("scatterAdd/atomic").buf(sb).buf(ib).buf(ob)
                        .i(outer).i(n).i(inner).i(k).buf(indexErrors).run1d((long) outer * k * inner);
            }
            checkIndices("scatterAdd", n);
        } finally {
            runtime.unlock();
        }
    }

    /**
     * Throws what the reference throws for an index out of range. The kernels record the first
     * bad index on the device; reading it waits for the queue, the price of a clear error. As
     * with the reference, elements with valid indices may already have been written.
     */
    private void checkIndices(String op, int n) {
        int[] err = new int[2];
        runtime.lock();
        try {
            // Through native memory, which every JVM option lets JOCL fill (see readsIntoArraysWork).
            CL.clEnqueueReadBuffer(runtime.queue(), indexErrors.mem(), true, 0, 2L * Integer.BYTES, indexErrorsOut.pointer(),
                    0, null, null);
            err[0] = indexErrorsOut.getInt(0);
            err[1] = indexErrorsOut.getInt(Integer.BYTES);
        } finally {
            runtime.unlock();
            Reference.reachabilityFence(indexErrors);
        }
        if (err[0] != 0) {
            CL.clEnqueueWriteBuffer(runtime.queue(), indexErrors.mem(), true, 0, 2L * Integer.BYTES,
                    Pointer.to(new int[2]), 0, null, null);
            throw new IndexOutOfBoundsException(op + ": index " + err[1] + " out of range [0, " + n + ")");
        }
    }

    // ---------------------------------------------------------------- random fills

    @Override
    public void randomUniform(DeviceBuffer out, int n, long seed, long offset, float lo, float hi) {
        runtime.kernel("random", "random_uniform").launch("randomUniform")
                .buf(input(out, n, "randomUniform", "out")).i(n).l(seed).l(offset).f(lo).f(hi).run1d(n);
    }

    @Override
    public void randomNormal(DeviceBuffer out, int n, long seed, long offset, float mean, float std) {
        runtime.kernel("random", "random_normal").launch("randomNormal")
                .buf(input(out, n, "randomNormal", "out")).i(n).l(seed).l(offset).f(mean).f(std).run1d(n);
    }

    @Override
    public void randomBernoulli(DeviceBuffer out, int n, long seed, long offset, float p) {
        runtime.kernel("random", "random_bernoulli").launch("randomBernoulli")
                .buf(input(out, n, "randomBernoulli", "out")).i(n).l(seed).l(offset).f(p).run1d(n);
    }

    // ---------------------------------------------------------------- optimiser steps

    @Override
    public void adamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer vMax,
                         int n, AdamConfig c) {
        if (c.amsgrad() && vMax == null) {
            throw new IllegalArgumentException("adamStep: amsgrad needs a vMax buffer");
        }
        // Bias corrections in double, as OptimizerMath computes them.
        double bc1 = 1.0 - Math.pow(c.beta1(), c.step());
        double bc2 = 1.0 - Math.pow(c.beta2(), c.step());
        float stepSize = (float) (c.lr() / bc1);
        ClKernel.Launch launch = runtime.kernel("optim", "adam_step").launch("adamStep")
                .buf(input(param, n, "adamStep", "param")).buf(input(grad, n, "adamStep", "grad"))
                .buf(input(m, n, "adamStep", "m")).buf(input(v, n, "adamStep", "v"))
                .buf(c.amsgrad() ? input(vMax, n, "adamStep", "vMax") : placeholder).i(c.amsgrad()).i(n)
                .f(c.lr()).f(c.beta1()).f(c.beta2()).f(c.eps()).f(c.weightDecay()).i(c.decoupledWeightDecay())
                .f(stepSize);
        if (runtime.fp64()) {
            launch.d(Math.sqrt(bc2));
        } else {
            launch.f((float) Math.sqrt(bc2));
        }
        launch.run1d(n);
    }

    @Override
    public void sgdStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer momentumBuffer, int n, SgdConfig c) {
        if (c.momentum() != 0f && momentumBuffer == null) {
            throw new IllegalArgumentException("sgdStep: momentum " + c.momentum() + " needs a momentum buffer");
        }
        ClBuffer buf = c.momentum() == 0f ? placeholder : input(momentumBuffer, n, "sgdStep", "momentumBuffer");
        runtime.kernel("optim", "sgd_step").launch("sgdStep")
                .buf(input(param, n, "sgdStep", "param")).buf(input(grad, n, "sgdStep", "grad")).buf(buf).i(n)
                .f(c.lr()).f(c.momentum()).f(c.dampening()).f(c.weightDecay()).i(c.nesterov()).i(c.firstStep())
                .run1d(n);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A scratch buffer of at least {@code n} floats for a multi-kernel operation; callers hold
     * the runtime's lock for the whole operation. Grows by replacement: the old buffer is
     * released, and OpenCL keeps it until the commands queued on it have run.
     */
    ClBuffer scratch(Scratch slot, long n) {
        runtime.lock();
        try {
            ClBuffer b = scratch.get(slot);
            if (b == null || b.size() < n) {
                if (b != null) {
                    b.release();
                }
                b = newBuffer(Math.max(n, b == null ? 0 : b.size() + b.size() / 2), "scratch " + slot);
                scratch.put(slot, b);
            }
            return b;
        } finally {
            runtime.unlock();
        }
    }

    private ClBuffer buffer(DeviceBuffer b, String op) {
        return ClBuffer.of(b, this, op);
    }

    /** A buffer argument that must hold at least {@code n} elements. */
    private ClBuffer input(DeviceBuffer b, long n, String op, String name) {
        ClBuffer cb = buffer(b, op);
        if (cb.size() < n) {
            throw new IllegalArgumentException(op + ": buffer " + name + " holds " + cb.size() + " floats but the op needs " + n);
        }
        return cb;
    }
}
