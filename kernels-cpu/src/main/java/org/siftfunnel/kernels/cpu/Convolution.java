package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;

/**
 * 2-D convolution as GEMM. The im2col matrix {@code col [C·kH·kW, pixels]} turns the
 * convolution into {@code y = W·col}; the gradient to the input is {@code col2im(Wᵀ·gy)} and
 * the gradient to the weight is {@code Σ gy·colᵀ}.
 *
 * <p>Images go in groups: the im2col matrices of g images sit side by side in one matrix
 * {@code [C·kH·kW, g·pixels]}, so that one GEMM serves the whole group. This matters for the
 * deep layers of a CNN, whose planes are small (4×4 to 16×16 pixels): one GEMM per image would
 * re-pack the whole weight matrix for a product only a few dozen columns wide. The group is as
 * large as fits {@code maxColumnFloats} (the column matrix plus the GEMM's output, per thread);
 * the GEMM's [Cout, g·pixels] result is then scattered into the NCHW output (bias added on the
 * way), and gy is gathered into the same layout for the two gradients. A 1×1, stride-1,
 * unpadded convolution on planes of at least {@value #POINTWISE_DIRECT_PIXELS} pixels skips all
 * copies: the input plane already is the matrix. When the im2col matrix of a single image
 * exceeds the limit, it is built and consumed in tiles of output pixels instead.
 *
 * <p>Batches of at least as many images as threads are split over the images (each thread with
 * its own buffers and a single-threaded GEMM); smaller batches (inference on one image) run
 * their groups one after another, with the GEMM, im2col and col2im spread over the threads. The
 * transposed convolution of the decoders runs here as {@link #backwardInput} of the equivalent
 * convolution. Stride-1 convolutions with very few output channels skip im2col altogether
 * ({@link DirectConvolution}), and so do those with a dozen or so channels on both sides
 * ({@link TiledDirectConvolution}), where the copies would cost more than the products;
 * 3×3 stride-1 convolutions with many channels use Winograd's F(2×2, 3×3)
 * ({@link WinogradConvolution}), 2.25× fewer multiply-adds.
 *
 * <p>Allocation: plans are cached per geometry ({@link GeometryCache}), buffers are per thread
 * ({@link ConvWorkspace}), and the operands of a call split over the threads travel in
 * per-thread objects rather than lambdas, so a warm call allocates nothing, on one thread or
 * several ({@code ConvolutionAllocationTest}).
 */
final class Convolution {

    /** Default cap on one thread's column matrix plus GEMM output: 4 MiB. */
    static final int DEFAULT_MAX_COLUMN_FLOATS = 1 << 20;
    /**
     * Winograd groups should fit the column limit but may hold up to this many times as much when
     * that is needed for long enough rows of tiles (each of their 16 GEMMs re-packs its weight
     * matrix; block4.0 at the default: 16 images, 12 MiB).
     */
    private static final int WINOGRAD_GROUP_FACTOR = 4;
    /** Below this many multiply-adds per call, threads cost more than they save. */
    private static final long MIN_PARALLEL_MACS = 1L << 18;
    /** Tiles are whole multiples of this many pixels (one 512-bit vector), when tiled at all. */
    private static final int TILE_ALIGN = 16;
    /** 1×1 convolutions on planes at least this large run image by image, straight on the input. */
    static final int POINTWISE_DIRECT_PIXELS = 256;

    private final Parallel parallel;
    private final Sgemm serialGemm;
    private final Sgemm parallelGemm;
    private final ArrayKernels kernels;
    private final int maxColumnFloats;
    private final DirectConvolution direct;
    private final TiledDirectConvolution tiled;
    private final WinogradConvolution winograd;
    private final GeometryCache<Plan> plans = new GeometryCache<>(this::plan);

    Convolution(Parallel parallel, Sgemm serialGemm, Sgemm parallelGemm, ArrayKernels kernels, int maxColumnFloats) {
        if (maxColumnFloats < 1) {
            throw new IllegalArgumentException("conv2d: the im2col tile limit must be positive, got " + maxColumnFloats);
        }
        this.parallel = parallel;
        this.serialGemm = serialGemm;
        this.parallelGemm = parallelGemm;
        this.kernels = kernels;
        this.maxColumnFloats = maxColumnFloats;
        this.direct = new DirectConvolution(parallel, kernels);
        this.tiled = new TiledDirectConvolution(parallel, kernels);
        this.winograd = new WinogradConvolution(parallel, serialGemm, parallelGemm, kernels, maxColumnFloats,
                (int) Math.min(Integer.MAX_VALUE - 8, WINOGRAD_GROUP_FACTOR * (long) maxColumnFloats));
    }

    /**
     * Sizes derived from a geometry.
     *
     * @param rows      rows of the im2col matrix, C·kH·kW
     * @param pixels    output pixels per image, outH·outW
     * @param pointwise 1×1, stride 1, no padding: the input plane is the im2col matrix
     * @param group     most images per GEMM (1 when tiled or when a 1×1 runs on the input directly)
     * @param tile      output pixels per im2col tile (== pixels when not tiled)
     */
    private record Plan(ConvGeometry g, int rows, int pixels, int imageIn, int imageOut, boolean pointwise,
                        int group, int tile) {

        /** A single image whose 1×1 convolution needs no column matrix. */
        boolean direct(int images) {
            return pointwise && images == 1;
        }
    }

    private Plan plan(ConvGeometry g) {
        int rows = g.inChannels() * g.kH() * g.kW();
        int pixels = g.outH() * g.outW();
        boolean pointwise = g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.padH() == 0 && g.padW() == 0 && g.outH() == g.inH() && g.outW() == g.inW();
        int group = 1;
        int tile = pixels;
        long perImage = (long) (rows + g.outChannels()) * pixels;
        if (pointwise && pixels >= POINTWISE_DIRECT_PIXELS) {
            group = 1;
        } else if (perImage <= maxColumnFloats) {
            group = (int) Math.min(g.batch(), maxColumnFloats / perImage);
        } else if (!pointwise && (long) rows * pixels > maxColumnFloats) {
            long tiles = ((long) rows * pixels + maxColumnFloats - 1) / maxColumnFloats;
            int t = (int) ((pixels + tiles - 1) / tiles);
            t = (t + TILE_ALIGN - 1) / TILE_ALIGN * TILE_ALIGN;
            tile = Math.max(1, Math.min(pixels, t));
        }
        return new Plan(g, rows, pixels, g.inChannels() * g.inH() * g.inW(), g.outChannels() * pixels, pointwise,
                group, tile);
    }

    /** Whole images per thread: enough images, enough work, and an even enough split. */
    private boolean splitOverImages(ConvGeometry g) {
        int threads = parallel.threads();
        int n = g.batch();
        return threads > 1 && g.macs() >= MIN_PARALLEL_MACS && n >= threads && (n % threads == 0 || n >= 4 * threads);
    }

    /** Which of the three products a call computes. */
    private enum Pass { FORWARD, INPUT, WEIGHT }

    /**
     * Runs {@code pass} over the batch in groups of at most {@code p.group()} images: per thread
     * over its share of the images when the batch is split, else over the whole batch on the
     * calling thread with the threaded GEMM. The operands are those of the pass's group method
     * ({@code a, b, bias → out}: x, w, bias → y; gy, w → gx; x, gy → gw). The weight gradient
     * of a split batch sums each part's images into its own array (the first part straight into
     * gw, the others into arrays of the calling thread) and adds them in part order.
     *
     * <p>A split hands its operands to the threads in the calling thread's {@link Split}.
     */
    private void run(Pass pass, ConvGeometry g, float[] a, float[] b, float[] bias, float[] out) {
        Plan p = plans.of(g);
        if (!splitOverImages(g)) {
            groups(pass, p, a, b, bias, out, 0, g.batch(), ConvWorkspace.current(), parallelGemm, true);
            return;
        }
        int parts = parallel.threads();
        int size = g.outChannels() * p.rows();
        // Owned by this call's thread, which waits while the other parts fill them.
        float[][] partials = pass == Pass.WEIGHT ? ConvWorkspace.current().partials(parts - 1, size) : null;
        parallel.split(parts, g.batch(), SPLITS.get().images(this, pass, p, a, b, bias, out, partials));
        if (partials != null) {
            for (int q = 0; q < parts - 1; q++) {
                kernels.binary(BinaryOp.ADD, out, 0, partials[q], 0, out, 0, size);
            }
        }
    }

    /** Images [from, to) in groups of at most {@code p.group()}, made as even as possible. */
    private void groups(Pass pass, Plan p, float[] a, float[] b, float[] bias, float[] out, int from, int to,
                        ConvWorkspace ws, Sgemm gemm, boolean spread) {
        int n = to - from;
        if (n <= 0) {
            if (pass == Pass.WEIGHT) {
                Arrays.fill(out, 0, p.g().outChannels() * p.rows(), 0f);
            }
            return;
        }
        int count = (n + p.group() - 1) / p.group();
        for (int q = 0; q < count; q++) {
            int first = from + (int) ((long) n * q / count);
            int next = from + (int) ((long) n * (q + 1) / count);
            switch (pass) {
                case FORWARD -> forwardGroup(p, a, b, bias, out, first, next - first, ws, gemm, spread);
                case INPUT -> backwardInputGroup(p, a, b, out, first, next - first, ws, gemm, spread);
                case WEIGHT -> weightGroup(p, a, b, out, q == 0 ? 0f : 1f, first, next - first, ws, gemm, spread);
            }
        }
    }

    // ================================================================ forward

    void forward(float[] x, float[] w, float[] bias, float[] y, ConvGeometry g) {
        if (DirectConvolution.applies(g)) {
            direct.forward(x, w, bias, y, g);
            return;
        }
        if (TiledDirectConvolution.applies(g)) {
            tiled.forward(x, w, bias, y, g);
            return;
        }
        if (WinogradConvolution.applies(g)) {
            winograd.forward(x, w, bias, y, g);
            return;
        }
        run(Pass.FORWARD, g, x, w, bias, y);
    }

    private void forwardGroup(Plan p, float[] x, float[] w, float[] bias, float[] y, int first, int count,
                              ConvWorkspace ws, Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        if (p.tile() < p.pixels()) {
            forwardTiled(p, x, w, bias, y, first, ws, gemm, spread);
            return;
        }
        int yOff = first * p.imageOut();
        if (p.direct(count)) {
            gemm.gemm(false, false, 1, k, p.pixels(), p.rows(), 1f, w, 0, 0, x, first * p.imageIn(), 0, 0f, y, yOff, 0);
            addBias(bias, y, yOff, k, p.pixels(), 0, p.pixels());
            return;
        }
        int ld = count * p.pixels();
        float[] col = ws.columns(p.rows() * ld);
        columns(p, x, first, count, col, spread);
        if (count == 1) {
            gemm.gemm(false, false, 1, k, ld, p.rows(), 1f, w, 0, 0, col, 0, 0, 0f, y, yOff, 0);
            addBias(bias, y, yOff, k, p.pixels(), 0, p.pixels());
            return;
        }
        float[] out = ws.tile(k * ld);
        gemm.gemm(false, false, 1, k, ld, p.rows(), 1f, w, 0, 0, col, 0, 0, 0f, out, 0, 0);
        scatter(p, out, bias, y, first, count);
    }

    /** One image whose column matrix is built and multiplied tile by tile. */
    private void forwardTiled(Plan p, float[] x, float[] w, float[] bias, float[] y, int b, ConvWorkspace ws,
                              Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        int xOff = b * p.imageIn();
        int yOff = b * p.imageOut();
        for (int p0 = 0; p0 < p.pixels(); p0 += p.tile()) {
            int t = Math.min(p.tile(), p.pixels() - p0);
            float[] col = ws.columns(p.rows() * t);
            unfold(p, x, xOff, p0, t, col, 0, t, spread, false);
            float[] out = ws.tile(k * t);
            gemm.gemm(false, false, 1, k, t, p.rows(), 1f, w, 0, 0, col, 0, 0, 0f, out, 0, 0);
            for (int c = 0; c < k; c++) {
                System.arraycopy(out, c * t, y, yOff + c * p.pixels() + p0, t);
            }
            addBias(bias, y, yOff, k, p.pixels(), p0, t);
        }
    }

    /** The column matrix [rows, count·pixels] of images [first, first + count). */
    private void columns(Plan p, float[] x, int first, int count, float[] col, boolean spread) {
        int ld = count * p.pixels();
        for (int j = 0; j < count; j++) {
            int xOff = (first + j) * p.imageIn();
            if (p.pointwise()) {
                for (int c = 0; c < p.rows(); c++) {
                    System.arraycopy(x, xOff + c * p.pixels(), col, c * ld + j * p.pixels(), p.pixels());
                }
            } else {
                unfold(p, x, xOff, 0, p.pixels(), col, j * p.pixels(), ld, spread, false);
            }
        }
    }

    /** Copies the GEMM's [Cout, count·pixels] result into the NCHW output, adding the bias. */
    private static void scatter(Plan p, float[] out, float[] bias, float[] y, int first, int count) {
        int k = p.g().outChannels();
        int pixels = p.pixels();
        int ld = count * pixels;
        for (int j = 0; j < count; j++) {
            for (int c = 0; c < k; c++) {
                int src = c * ld + j * pixels;
                int dst = (first + j) * p.imageOut() + c * pixels;
                if (bias == null) {
                    System.arraycopy(out, src, y, dst, pixels);
                } else {
                    float b = bias[c];
                    for (int i = 0; i < pixels; i++) {
                        y[dst + i] = out[src + i] + b;
                    }
                }
            }
        }
    }

    /**
     * gy of images [first, first + count) as one [Cout, count·pixels] matrix: gy itself for a
     * single image, else a copy in the thread's tile buffer. Returns the array; the offset is
     * {@code first·imageOut} for a single image and 0 otherwise.
     */
    private static float[] gathered(Plan p, float[] gy, int first, int count, ConvWorkspace ws) {
        if (count == 1) {
            return gy;
        }
        int k = p.g().outChannels();
        int pixels = p.pixels();
        int ld = count * pixels;
        float[] m = ws.tile(k * ld);
        for (int j = 0; j < count; j++) {
            for (int c = 0; c < k; c++) {
                System.arraycopy(gy, (first + j) * p.imageOut() + c * pixels, m, c * ld + j * pixels, pixels);
            }
        }
        return m;
    }

    private void addBias(float[] bias, float[] y, int yOff, int channels, int pixels, int p0, int t) {
        if (bias == null) {
            return;
        }
        for (int c = 0; c < channels; c++) {
            int at = yOff + c * pixels + p0;
            kernels.binaryScalar(BinaryOp.ADD, y, at, bias[c], false, y, at, t);
        }
    }

    // ================================================================ gradient to the input

    void backwardInput(float[] gy, float[] w, float[] gx, ConvGeometry g) {
        if (DirectConvolution.applies(g)) {
            direct.backwardInput(gy, w, gx, g);
            return;
        }
        if (TiledDirectConvolution.applies(g)) {
            tiled.backwardInput(gy, w, gx, g);
            return;
        }
        if (WinogradConvolution.applies(g)) {
            winograd.backwardInput(gy, w, gx, g);
            return;
        }
        run(Pass.INPUT, g, gy, w, null, gx);
    }

    private void backwardInputGroup(Plan p, float[] gy, float[] w, float[] gx, int first, int count,
                                    ConvWorkspace ws, Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        if (p.tile() < p.pixels()) {
            backwardInputTiled(p, gy, w, gx, first, ws, gemm, spread);
            return;
        }
        if (p.direct(count)) {
            gemm.gemm(true, false, 1, p.rows(), p.pixels(), k, 1f, w, 0, 0, gy, first * p.imageOut(), 0, 0f,
                    gx, first * p.imageIn(), 0);
            return;
        }
        int ld = count * p.pixels();
        float[] src = gathered(p, gy, first, count, ws);
        int srcOff = count == 1 ? first * p.imageOut() : 0;
        float[] col = ws.columns(p.rows() * ld);
        gemm.gemm(true, false, 1, p.rows(), ld, k, 1f, w, 0, 0, src, srcOff, 0, 0f, col, 0, 0);
        for (int j = 0; j < count; j++) {
            int gxOff = (first + j) * p.imageIn();
            if (p.pointwise()) {
                for (int c = 0; c < p.rows(); c++) {
                    System.arraycopy(col, c * ld + j * p.pixels(), gx, gxOff + c * p.pixels(), p.pixels());
                }
            } else {
                Arrays.fill(gx, gxOff, gxOff + p.imageIn(), 0f);
                unfold(p, gx, gxOff, 0, p.pixels(), col, j * p.pixels(), ld, spread, true);
            }
        }
    }

    private void backwardInputTiled(Plan p, float[] gy, float[] w, float[] gx, int b, ConvWorkspace ws,
                                    Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        int gxOff = b * p.imageIn();
        int gyOff = b * p.imageOut();
        Arrays.fill(gx, gxOff, gxOff + p.imageIn(), 0f);
        for (int p0 = 0; p0 < p.pixels(); p0 += p.tile()) {
            int t = Math.min(p.tile(), p.pixels() - p0);
            float[] src = gatherTile(gy, gyOff, k, p.pixels(), p0, t, ws);
            float[] col = ws.columns(p.rows() * t);
            gemm.gemm(true, false, 1, p.rows(), t, k, 1f, w, 0, 0, src, 0, 0, 0f, col, 0, 0);
            unfold(p, gx, gxOff, p0, t, col, 0, t, spread, true);
        }
    }

    /** Copies columns [p0, p0+t) of a [channels, pixels] matrix into the thread's tile buffer. */
    private static float[] gatherTile(float[] m, int off, int channels, int pixels, int p0, int t, ConvWorkspace ws) {
        float[] tile = ws.tile(channels * t);
        for (int c = 0; c < channels; c++) {
            System.arraycopy(m, off + c * pixels + p0, tile, c * t, t);
        }
        return tile;
    }

    // ================================================================ gradient to the weight

    void backwardWeight(float[] x, float[] gy, float[] gw, ConvGeometry g) {
        if (DirectConvolution.applies(g)) {
            direct.backwardWeight(x, gy, gw, g);
            return;
        }
        if (TiledDirectConvolution.applies(g)) {
            tiled.backwardWeight(x, gy, gw, g);
            return;
        }
        if (WinogradConvolution.applies(g)) {
            winograd.backwardWeight(x, gy, gw, g);
            return;
        }
        run(Pass.WEIGHT, g, x, gy, null, gw);
    }

    /** {@code acc = Σ_group gy_b · col_bᵀ + beta·acc}. */
    private void weightGroup(Plan p, float[] x, float[] gy, float[] acc, float beta, int first, int count,
                             ConvWorkspace ws, Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        if (p.tile() < p.pixels()) {
            weightTiled(p, x, gy, acc, beta, first, ws, gemm, spread);
            return;
        }
        if (p.direct(count)) {
            gemm.gemm(false, true, 1, k, p.rows(), p.pixels(), 1f, gy, first * p.imageOut(), 0,
                    x, first * p.imageIn(), 0, beta, acc, 0, 0);
            return;
        }
        int ld = count * p.pixels();
        float[] col = ws.columns(p.rows() * ld);
        columns(p, x, first, count, col, spread);
        float[] src = gathered(p, gy, first, count, ws);
        int srcOff = count == 1 ? first * p.imageOut() : 0;
        gemm.gemm(false, true, 1, k, p.rows(), ld, 1f, src, srcOff, 0, col, 0, 0, beta, acc, 0, 0);
    }

    private void weightTiled(Plan p, float[] x, float[] gy, float[] acc, float beta, int b, ConvWorkspace ws,
                             Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        int xOff = b * p.imageIn();
        int gyOff = b * p.imageOut();
        float accBeta = beta;
        for (int p0 = 0; p0 < p.pixels(); p0 += p.tile()) {
            int t = Math.min(p.tile(), p.pixels() - p0);
            float[] col = ws.columns(p.rows() * t);
            unfold(p, x, xOff, p0, t, col, 0, t, spread, false);
            float[] src = gatherTile(gy, gyOff, k, p.pixels(), p0, t, ws);
            gemm.gemm(false, true, 1, k, p.rows(), t, 1f, src, 0, 0, col, 0, 0, accBeta, acc, 0, 0);
            accBeta = 1f;
        }
    }

    // ================================================================ im2col and col2im

    /**
     * im2col (or, when {@code adjoint}, col2im) of one image's output pixels [p0, p0+t) into the
     * column block at {@code colOff} with leading dimension {@code ld}, spread over the threads
     * by channel when {@code spread}.
     */
    private void unfold(Plan p, float[] image, int imageOff, int p0, int t, float[] col, int colOff, int ld,
                        boolean spread, boolean adjoint) {
        ConvGeometry g = p.g();
        int channels = g.inChannels();
        long work = (long) g.kH() * g.kW() * t;
        if (spread && parallel.parts(channels, work) > 1) {
            parallel.split(parallel.parts(channels, work), channels,
                    SPLITS.get().unfold(g, image, imageOff, p0, t, col, colOff, ld, adjoint));
        } else {
            Unfold.run(g, image, imageOff, p0, t, col, colOff, ld, 0, channels, adjoint);
        }
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);

    /**
     * A split call's arguments ({@link Parallel.Call}): either a pass over the images
     * ({@link #run}; part q ≥ 1 of a weight gradient sums into {@code partials[q − 1]}) or an
     * im2col/col2im over the channels ({@link #unfold}). Only one is in use at a time per
     * thread: the unfold split happens on unsplit batches only.
     */
    private static final class Split extends Parallel.Call {
        private Convolution owner;
        private Pass pass;
        private Plan p;
        private float[] a;
        private float[] b;
        private float[] bias;
        private float[] out;
        private float[][] partials;
        private ConvGeometry g;
        private int imageOff;
        private int p0;
        private int t;
        private int colOff;
        private int ld;
        private boolean adjoint;

        Split images(Convolution owner, Pass pass, Plan p, float[] a, float[] b, float[] bias, float[] out,
                     float[][] partials) {
            this.owner = owner;
            this.pass = pass;
            this.p = p;
            this.a = a;
            this.b = b;
            this.bias = bias;
            this.out = out;
            this.partials = partials;
            return this;
        }

        /** im2col (col2im when adjoint) of {@code image → out} (the column block). */
        Split unfold(ConvGeometry g, float[] image, int imageOff, int p0, int t, float[] col, int colOff, int ld,
                     boolean adjoint) {
            this.g = g;
            this.a = image;
            this.imageOff = imageOff;
            this.p0 = p0;
            this.t = t;
            this.out = col;
            this.colOff = colOff;
            this.ld = ld;
            this.adjoint = adjoint;
            return this;
        }

        @Override
        void clear() {
            owner = null;
            pass = null;
            p = null;
            a = null;
            b = null;
            bias = null;
            out = null;
            partials = null;
            g = null;
        }

        @Override
        public void run(int q, int from, int to) {
            if (pass == null) {
                Unfold.run(g, a, imageOff, p0, t, out, colOff, ld, from, to, adjoint);
            } else {
                owner.groups(pass, p, a, b, bias, q == 0 || partials == null ? out : partials[q - 1], from, to,
                        ConvWorkspace.current(), owner.serialGemm, false);
            }
        }
    }
}
