package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;

/**
 * 2-D convolution as GEMM. Per image, the im2col matrix {@code col [C·kH·kW, pixels]} turns the
 * convolution into {@code y = W·col}; the gradient to the input is {@code col2im(Wᵀ·gy)} and
 * the gradient to the weight is {@code Σ_images gy·colᵀ}. A 1×1, stride-1, unpadded
 * convolution skips im2col altogether: the input plane already is the matrix.
 *
 * <p>When the whole im2col matrix of one image would exceed {@code maxColumnFloats}, it is
 * built and consumed in tiles of output pixels. Batches of at least as many images as threads
 * are split over the images (each thread with its own buffers and a single-threaded GEMM);
 * smaller batches (inference on one image) go image by image, with the GEMM, im2col and
 * col2im spread over the threads instead. The transposed convolution of the decoders runs
 * here as {@link #backwardInput} of the equivalent convolution.
 */
final class Convolution {

    /** Default cap on one thread's im2col tile: 4 MiB. */
    static final int DEFAULT_MAX_COLUMN_FLOATS = 1 << 20;
    /** Below this many multiply-adds per call, threads cost more than they save. */
    private static final long MIN_PARALLEL_MACS = 1L << 18;
    /** Tiles are whole multiples of this many pixels (one 512-bit vector), when tiled at all. */
    private static final int TILE_ALIGN = 16;

    private final Parallel parallel;
    private final Sgemm serialGemm;
    private final Sgemm parallelGemm;
    private final ArrayKernels kernels;
    private final int maxColumnFloats;

    Convolution(Parallel parallel, Sgemm serialGemm, Sgemm parallelGemm, ArrayKernels kernels, int maxColumnFloats) {
        if (maxColumnFloats < 1) {
            throw new IllegalArgumentException("conv2d: the im2col tile limit must be positive, got " + maxColumnFloats);
        }
        this.parallel = parallel;
        this.serialGemm = serialGemm;
        this.parallelGemm = parallelGemm;
        this.kernels = kernels;
        this.maxColumnFloats = maxColumnFloats;
    }

    /**
     * Sizes derived from a geometry.
     *
     * @param rows      rows of the im2col matrix, C·kH·kW
     * @param pixels    output pixels per image, outH·outW
     * @param pointwise 1×1, stride 1, no padding: the input plane is the im2col matrix
     * @param tile      output pixels per im2col tile (== pixels when not tiled)
     */
    private record Plan(ConvGeometry g, int rows, int pixels, int imageIn, int imageOut, boolean pointwise, int tile) {
    }

    private Plan plan(ConvGeometry g) {
        int rows = g.inChannels() * g.kH() * g.kW();
        int pixels = g.outH() * g.outW();
        boolean pointwise = g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.padH() == 0 && g.padW() == 0 && g.outH() == g.inH() && g.outW() == g.inW();
        int tile = pixels;
        if (!pointwise && (long) rows * pixels > maxColumnFloats) {
            long tiles = ((long) rows * pixels + maxColumnFloats - 1) / maxColumnFloats;
            int t = (int) ((pixels + tiles - 1) / tiles);
            t = (t + TILE_ALIGN - 1) / TILE_ALIGN * TILE_ALIGN;
            tile = Math.max(1, Math.min(pixels, t));
        }
        return new Plan(g, rows, pixels, g.inChannels() * g.inH() * g.inW(), g.outChannels() * pixels, pointwise, tile);
    }

    /** Whole images per thread: enough images, enough work, and an even enough split. */
    private boolean splitOverImages(ConvGeometry g) {
        int threads = parallel.threads();
        int n = g.batch();
        return threads > 1 && g.macs() >= MIN_PARALLEL_MACS && n >= threads && (n % threads == 0 || n >= 4 * threads);
    }

    // ================================================================ forward

    void forward(float[] x, float[] w, float[] bias, float[] y, ConvGeometry g) {
        Plan p = plan(g);
        if (splitOverImages(g)) {
            parallel.forParts(parallel.threads(), g.batch(), (part, from, to) -> {
                ConvWorkspace ws = ConvWorkspace.current();
                for (int b = from; b < to; b++) {
                    forwardImage(p, x, w, bias, y, b, ws, serialGemm, false);
                }
            });
        } else {
            ConvWorkspace ws = ConvWorkspace.current();
            for (int b = 0; b < g.batch(); b++) {
                forwardImage(p, x, w, bias, y, b, ws, parallelGemm, true);
            }
        }
    }

    private void forwardImage(Plan p, float[] x, float[] w, float[] bias, float[] y, int b, ConvWorkspace ws,
                              Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        int xOff = b * p.imageIn();
        int yOff = b * p.imageOut();
        if (p.pointwise()) {
            gemm.gemm(false, false, 1, k, p.pixels(), p.rows(), 1f, w, 0, 0, x, xOff, 0, 0f, y, yOff, 0);
            addBias(bias, y, yOff, k, p.pixels(), 0, p.pixels());
            return;
        }
        for (int p0 = 0; p0 < p.pixels(); p0 += p.tile()) {
            int t = Math.min(p.tile(), p.pixels() - p0);
            float[] col = ws.columns(p.rows() * t);
            im2col(p, x, xOff, p0, t, col, spread);
            if (t == p.pixels()) {
                gemm.gemm(false, false, 1, k, t, p.rows(), 1f, w, 0, 0, col, 0, 0, 0f, y, yOff, 0);
            } else {
                float[] out = ws.tile(k * t);
                gemm.gemm(false, false, 1, k, t, p.rows(), 1f, w, 0, 0, col, 0, 0, 0f, out, 0, 0);
                for (int c = 0; c < k; c++) {
                    System.arraycopy(out, c * t, y, yOff + c * p.pixels() + p0, t);
                }
            }
            addBias(bias, y, yOff, k, p.pixels(), p0, t);
        }
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
        Plan p = plan(g);
        if (splitOverImages(g)) {
            parallel.forParts(parallel.threads(), g.batch(), (part, from, to) -> {
                ConvWorkspace ws = ConvWorkspace.current();
                for (int b = from; b < to; b++) {
                    backwardInputImage(p, gy, w, gx, b, ws, serialGemm, false);
                }
            });
        } else {
            ConvWorkspace ws = ConvWorkspace.current();
            for (int b = 0; b < g.batch(); b++) {
                backwardInputImage(p, gy, w, gx, b, ws, parallelGemm, true);
            }
        }
    }

    private void backwardInputImage(Plan p, float[] gy, float[] w, float[] gx, int b, ConvWorkspace ws,
                                    Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        int gxOff = b * p.imageIn();
        int gyOff = b * p.imageOut();
        if (p.pointwise()) {
            gemm.gemm(true, false, 1, p.rows(), p.pixels(), k, 1f, w, 0, 0, gy, gyOff, 0, 0f, gx, gxOff, 0);
            return;
        }
        Arrays.fill(gx, gxOff, gxOff + p.imageIn(), 0f);
        for (int p0 = 0; p0 < p.pixels(); p0 += p.tile()) {
            int t = Math.min(p.tile(), p.pixels() - p0);
            float[] src = gy;
            int srcOff = gyOff;
            if (t < p.pixels()) {
                src = gatherTile(gy, gyOff, k, p.pixels(), p0, t, ws);
                srcOff = 0;
            }
            float[] col = ws.columns(p.rows() * t);
            gemm.gemm(true, false, 1, p.rows(), t, k, 1f, w, 0, 0, src, srcOff, 0, 0f, col, 0, 0);
            col2im(p, col, p0, t, gx, gxOff, spread);
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
        Plan p = plan(g);
        int size = g.outChannels() * p.rows();
        if (splitOverImages(g)) {
            int parts = parallel.threads();
            // Owned by this call's thread, which waits while the other parts fill them.
            float[][] partials = ConvWorkspace.current().partials(parts - 1, size);
            parallel.forParts(parts, g.batch(), (part, from, to) -> {
                float[] acc = part == 0 ? gw : partials[part - 1];
                ConvWorkspace ws = ConvWorkspace.current();
                for (int b = from; b < to; b++) {
                    weightImage(p, x, gy, acc, b == from ? 0f : 1f, b, ws, serialGemm, false);
                }
            });
            for (int q = 0; q < parts - 1; q++) {
                kernels.binary(BinaryOp.ADD, gw, 0, partials[q], 0, gw, 0, size);
            }
        } else {
            ConvWorkspace ws = ConvWorkspace.current();
            for (int b = 0; b < g.batch(); b++) {
                weightImage(p, x, gy, gw, b == 0 ? 0f : 1f, b, ws, parallelGemm, true);
            }
        }
    }

    /** {@code acc = gy_b · col_bᵀ + beta·acc}. */
    private void weightImage(Plan p, float[] x, float[] gy, float[] acc, float beta, int b, ConvWorkspace ws,
                             Sgemm gemm, boolean spread) {
        int k = p.g().outChannels();
        int xOff = b * p.imageIn();
        int gyOff = b * p.imageOut();
        if (p.pointwise()) {
            gemm.gemm(false, true, 1, k, p.rows(), p.pixels(), 1f, gy, gyOff, 0, x, xOff, 0, beta, acc, 0, 0);
            return;
        }
        float accBeta = beta;
        for (int p0 = 0; p0 < p.pixels(); p0 += p.tile()) {
            int t = Math.min(p.tile(), p.pixels() - p0);
            float[] col = ws.columns(p.rows() * t);
            im2col(p, x, xOff, p0, t, col, spread);
            float[] src = gy;
            int srcOff = gyOff;
            if (t < p.pixels()) {
                src = gatherTile(gy, gyOff, k, p.pixels(), p0, t, ws);
                srcOff = 0;
            }
            gemm.gemm(false, true, 1, k, p.rows(), t, 1f, src, srcOff, 0, col, 0, 0, accBeta, acc, 0, 0);
            accBeta = 1f;
        }
    }

    // ================================================================ im2col and col2im

    /** Fills {@code col [rows, t]} with the receptive fields of output pixels [p0, p0+t). */
    private void im2col(Plan p, float[] x, int xOff, int p0, int t, float[] col, boolean spread) {
        int channels = p.g().inChannels();
        if (spread) {
            parallel.forRange(channels, (long) p.g().kH() * p.g().kW() * t,
                    (c0, c1) -> unfold(p.g(), x, xOff, p0, t, col, c0, c1, false));
        } else {
            unfold(p.g(), x, xOff, p0, t, col, 0, channels, false);
        }
    }

    /** Adds {@code col [rows, t]} back onto the input-shaped gradient (the adjoint of im2col). */
    private void col2im(Plan p, float[] col, int p0, int t, float[] gx, int gxOff, boolean spread) {
        int channels = p.g().inChannels();
        if (spread) {
            parallel.forRange(channels, (long) p.g().kH() * p.g().kW() * t,
                    (c0, c1) -> unfold(p.g(), gx, gxOff, p0, t, col, c0, c1, true));
        } else {
            unfold(p.g(), gx, gxOff, p0, t, col, 0, channels, true);
        }
    }

    /**
     * One loop for im2col and its adjoint, so that both share the index arithmetic: for the
     * channels [c0, c1), every kernel offset (ky, kx) and every output pixel of [p0, p0+t),
     * either copies the input value under it into col (zero where it falls in the padding) or,
     * when {@code adjoint}, adds the col value back onto the image.
     */
    private void unfold(ConvGeometry g, float[] image, int imageOff, int p0, int t, float[] col,
                        int c0, int c1, boolean adjoint) {
        int inH = g.inH();
        int inW = g.inW();
        int outW = g.outW();
        int sH = g.strideH();
        int sW = g.strideW();
        for (int c = c0; c < c1; c++) {
            int plane = imageOff + c * inH * inW;
            for (int ky = 0; ky < g.kH(); ky++) {
                int dy = ky * g.dilationH() - g.padH();
                for (int kx = 0; kx < g.kW(); kx++) {
                    int dx = kx * g.dilationW() - g.padW();
                    // Output columns whose input column ox·sW + dx lies inside the image.
                    int validLo = Math.clamp(Math.ceilDiv(-dx, sW), 0, outW);
                    int validHi = Math.clamp(Math.floorDiv(inW - 1 - dx, sW) + 1, validLo, outW);
                    int row = ((c * g.kH() + ky) * g.kW() + kx) * t;
                    int oy = p0 / outW;
                    int ox = p0 - oy * outW;
                    for (int done = 0; done < t; oy++) {
                        int segEnd = Math.min(outW, ox + t - done);
                        int iy = oy * sH + dy;
                        int at = row + done;
                        if (iy < 0 || iy >= inH) {
                            if (!adjoint) {
                                Arrays.fill(col, at, at + segEnd - ox, 0f);
                            }
                        } else {
                            int lo = Math.clamp(validLo, ox, segEnd);
                            int hi = Math.clamp(validHi, lo, segEnd);
                            int src = plane + iy * inW + lo * sW + dx;
                            int dst = at + lo - ox;
                            if (adjoint) {
                                addRun(col, dst, image, src, sW, hi - lo);
                            } else {
                                Arrays.fill(col, at, dst, 0f);
                                copyRun(image, src, sW, col, dst, hi - lo);
                                Arrays.fill(col, dst + hi - lo, at + segEnd - ox, 0f);
                            }
                        }
                        done += segEnd - ox;
                        ox = 0;
                    }
                }
            }
        }
    }

    private static void copyRun(float[] image, int src, int step, float[] col, int dst, int n) {
        if (step == 1) {
            System.arraycopy(image, src, col, dst, n);
        } else {
            for (int i = 0; i < n; i++) {
                col[dst + i] = image[src + i * step];
            }
        }
    }

    private void addRun(float[] col, int from, float[] image, int to, int step, int n) {
        if (step == 1) {
            kernels.binary(BinaryOp.ADD, image, to, col, from, image, to, n);
        } else {
            for (int i = 0; i < n; i++) {
                image[to + i * step] += col[from + i];
            }
        }
    }
}
