package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;

/**
 * 3×3, stride-1 convolutions with many channels on both sides (the deep layers of the
 * SiftFunnel CNN, e.g. 256 → 512 on 8×8 planes, and the MINE critic's 64 → 32 → 16) by
 * Winograd's minimal filtering F(2×2, 3×3)
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
 *
 * <p>Why: on such layers im2col + GEMM is already GEMM-bound (about 140 GFLOP/s on one core
 * here), so the only way to go faster is fewer multiplications. F(2×2, 3×3) computes each 2×2
 * block of output pixels from a 4×4 input tile with 16 multiply-adds per channel pair instead
 * of 36, i.e. 2.25× fewer, and the multiply-adds become 16 independent GEMMs, one per position
 * (ξ, ν) of the 4×4 transformed tile:
 * <pre>
 *   U[ξν][k][c] = (G·w[k][c]·Gᵀ)[ξν]          weights, once per call
 *   V[ξν][c][t] = (Bᵀ·d[c][t]·B)[ξν]          input tiles t (4×4, overlapping by 2)
 *   M[ξν]       = U[ξν] · V[ξν]                16 GEMMs [K, C]·[C, tiles]
 *   y[k][t]     = Aᵀ·M[·][k][t]·A              2×2 output block of each tile
 * </pre>
 * The gradient to the input is the same algorithm on gy, padded by {@code 2 − pad}, with the
 * weights transposed and flipped. The gradient to the weight is the adjoint of the forward map
 * in w: {@code gw[k][c] = Gᵀ·(Σ_t (A·gy[k][t]·Aᵀ) ⊙ V[c][t])·G}, where the sum over tiles is
 * again 16 GEMMs, {@code [K, tiles]·[tiles, C]}.
 *
 * <p>The tile transforms run with vectors across tiles ({@link ArrayKernels#winogradInput},
 * {@code winogradOutput}, {@code winogradGradient}): one vector holds the same entry of
 * consecutive tiles, so a transform is a few dozen vector additions per vector of tiles. The
 * tiles overlap and their columns interleave, so each source plane is first cut into eight
 * quarter planes (even/odd rows × even/odd columns × shifted by one tile column or not) in which
 * every entry of consecutive tiles is consecutive; gy's 2×2 blocks and the output's are
 * likewise gathered into (scattered from) four rows per plane. These cuts and gathers are plain
 * copies; the vector kernels do the same float operations in the same order as the scalar ones,
 * so every SIMD width gives the same bits.
 *
 * <p>The rounding error is that of a few more additions per output (the transforms' entries
 * are 0, ±1 and ±½), well inside the backend's tolerance. Images go in groups whose transformed
 * tiles should stay in cache between the transforms and the GEMMs, but wide enough (at least
 * {@value #MIN_GROUP_TILES} tiles) that each GEMM amortises the packing of its weight matrix;
 * batches of at least as many images as threads are split over the images (each thread with a
 * single-threaded GEMM), a smaller batch runs on the threaded GEMM. The weight gradient sums
 * per-part partial products (arrays of the calling thread, one per part) in part order, so
 * results are the same from run to run for a given thread count. Plans are cached per geometry
 * and scratch arrays kept per thread, so a warm single-threaded call allocates nothing.
 */
final class WinogradConvolution {

    /** Input and output channels from this many on go the Winograd way, whatever their ratio. */
    static final int MIN_CHANNELS = 64;
    /**
     * Below {@link #MIN_CHANNELS}: from this many input channels on, a layer goes the Winograd
     * way when it has at least {@link #MIN_NARROW_OUT_CHANNELS} and at most
     * {@link #MAX_NARROW_EXPANSION} times as many output channels.
     */
    static final int MIN_NARROW_IN_CHANNELS = 24;
    static final int MIN_NARROW_OUT_CHANNELS = 16;
    static final int MAX_NARROW_EXPANSION = 2;
    /** Positions of a transformed tile. */
    private static final int XI = 16;
    /**
     * A group's GEMMs should be at least this many tiles wide: each of them re-packs its [K, C]
     * weight matrix, which costs about 1/width of its multiply-adds.
     */
    private static final int MIN_GROUP_TILES = 256;

    private final Parallel parallel;
    private final Sgemm serialGemm;
    private final Sgemm parallelGemm;
    private final ArrayKernels kernels;
    private final int groupFloats;
    private final int maxGroupFloats;
    private final GeometryCache<Plan> forwardPlans = new GeometryCache<>(WinogradConvolution::forwardPlan);
    private final GeometryCache<Plan> adjointPlans = new GeometryCache<>(WinogradConvolution::adjointPlan);

    /**
     * @param groupFloats    the size one thread's transformed tiles of a group of images (input and
     *                       output side together) should stay within, so that they stay in cache
     *                       between the transforms and the GEMMs
     * @param maxGroupFloats the hard cap on that size, for groups that must be wider to reach
     *                       {@value #MIN_GROUP_TILES} tiles; a group has at least one image
     */
    WinogradConvolution(Parallel parallel, Sgemm serialGemm, Sgemm parallelGemm, ArrayKernels kernels, int groupFloats,
                        int maxGroupFloats) {
        this.parallel = parallel;
        this.serialGemm = serialGemm;
        this.parallelGemm = parallelGemm;
        this.kernels = kernels;
        this.groupFloats = groupFloats;
        this.maxGroupFloats = maxGroupFloats;
    }

    /**
     * Whether this class handles {@code g}: 3×3, stride 1, no dilation, and either at least 64
     * channels in and out, or at least 24 in and between 16 and twice as many out.
     *
     * <p>The narrower rule was measured (2026-11-27, 2-core AVX-512 machine, quiet, batch 64,
     * forward + both gradients, ms at 1 / 2 threads, im2col + GEMM → Winograd): 64 → 32 on 32×32
     * 123 / 64 → 84 / 45; 32 → 16 57 / 29 → 37 / 18; 64 → 16 105 / 56 → 67 / 34; 32 → 32
     * 67 / 36 → 55 / 29; 48 → 48 on 16×16 30 / 16 → 24 / 12; 32 → 64 90 / 50 → 83 / 42;
     * 24 → 24 and 32 → 24 and 24 → 16 also faster. There im2col's gradient to the input is a GEMM
     * whose inner dimension is the few output channels, followed by a col2im of C·9 rows: the
     * copies dominate. Where the output channels outnumber the input by more than 2, the output
     * transforms cost more than the saved products: 16 → 64 52 / 30 → 62 / 35, 24 → 128 on
     * 16×16 30 / 14 → 30 / 18, and up.conv.0 (12 → 128) 13 / 7 → 23 / 11.
     */
    static boolean applies(ConvGeometry g) {
        if (g.kH() != 3 || g.kW() != 3 || g.strideH() != 1 || g.strideW() != 1
                || g.dilationH() != 1 || g.dilationW() != 1) {
            return false;
        }
        int in = g.inChannels();
        int out = g.outChannels();
        return (in >= MIN_CHANNELS && out >= MIN_CHANNELS)
                || (in >= MIN_NARROW_IN_CHANNELS && out >= MIN_NARROW_OUT_CHANNELS && out <= MAX_NARROW_EXPANSION * in);
    }

    /**
     * One correlation: {@code channels} source planes [h, w], read at offset (−padTop, −padLeft)
     * (outside: zero), give {@code outChannels} planes [outH, outW] in 2×2 tiles.
     */
    private record Plan(int channels, int h, int w, int padTop, int padLeft, int outChannels, int outH, int outW) {
        int tilesY() {
            return (outH + 1) / 2;
        }

        int tilesX() {
            return (outW + 1) / 2;
        }

        int tiles() {
            return tilesY() * tilesX();
        }

        int srcImage() {
            return channels * h * w;
        }

        int outImage() {
            return outChannels * outH * outW;
        }
    }

    /**
     * Distance between the 16 matrices of one transformed array: their size plus one cache
     * line. The transforms touch all 16 at once, and sizes that are multiples of 4 KiB (common:
     * 256 channels × 16·n tiles) would put all 16 streams into the same L1 set.
     */
    private static int stride(int size) {
        return size + 16;
    }

    private int parts(int batch) {
        return parallel.threads() > 1 && batch >= parallel.threads() ? parallel.threads() : 1;
    }

    /**
     * Images per group: as many as fit {@code groupFloats}, or more if that is too few for
     * {@value #MIN_GROUP_TILES} tiles, up to {@code maxGroupFloats}; at least one. Measured on
     * the development machine (CPU ms of forward + both gradients, one thread): up.conv.1
     * (128 → 128 on 16×16, 64 tiles per image) took 87 ms in groups of 4 images against 105 in
     * groups of 16, block3.0 151 (4) against 170 (10), block4.0 (256 → 512 on 8×8, 16 tiles
     * per image) 160 (16) against 201 (5) and 254 (2).
     */
    private int group(int perImageFloats, int tilesPerImage, int images) {
        long perImage = Math.max(1, (long) perImageFloats);
        long wanted = Math.max(groupFloats / perImage, (MIN_GROUP_TILES + tilesPerImage - 1) / tilesPerImage);
        return (int) Math.max(1, Math.min(images, Math.min(wanted, maxGroupFloats / perImage)));
    }

    /** First image of group {@code q} of {@code count} over images [from, from + n), made as even as possible. */
    private static int groupStart(int from, int n, int count, int q) {
        return from + (int) ((long) n * q / count);
    }

    // ================================================================ forward and gradient to the input

    private static Plan forwardPlan(ConvGeometry g) {
        return new Plan(g.inChannels(), g.inH(), g.inW(), g.padH(), g.padW(), g.outChannels(), g.outH(), g.outW());
    }

    /** The gradient to the input: gy padded by 2 − pad, correlated with the flipped weights. */
    private static Plan adjointPlan(ConvGeometry g) {
        return new Plan(g.outChannels(), g.outH(), g.outW(), 2 - g.padH(), 2 - g.padW(), g.inChannels(), g.inH(), g.inW());
    }

    void forward(float[] x, float[] w, float[] bias, float[] y, ConvGeometry g) {
        correlate(forwardPlans.of(g), x, transformWeights(w, g.outChannels(), g.inChannels(), false), bias, y, g.batch());
    }

    void backwardInput(float[] gy, float[] w, float[] gx, ConvGeometry g) {
        correlate(adjointPlans.of(g), gy, transformWeights(w, g.outChannels(), g.inChannels(), true), null, gx, g.batch());
    }

    /**
     * U[ξν][k][c] = G·w[k][c]·Gᵀ for the forward correlation; when {@code adjoint},
     * U[ξν][c][k] from w[k][c] flipped in both directions (the gradient to the input).
     */
    private static float[] transformWeights(float[] w, int k, int c, boolean adjoint) {
        // The calling thread's buffer: the other threads only read it while this call waits for them.
        int stride = stride(k * c);
        float[] u = ConvWorkspace.current().weights(XI * stride);
        // Walk the output in order (16 sequential write streams); the adjoint then reads w with a stride.
        int outer = adjoint ? c : k;
        int inner = adjoint ? k : c;
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) {
                int ko = adjoint ? j : i;
                int ci = adjoint ? i : j;
                int at = (ko * c + ci) * 9;
                int out = adjoint ? ci * k + ko : ko * c + ci;
                // G·g: rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 of each column (g read flipped for the
                // adjoint); each row r of G·g then gives U[4r .. 4r+3] = (G·g)_r·Gᵀ.
                for (int r = 0; r < 4; r++) {
                    weightRow(u, stride, out, r, columnOfG(w, at, r, 0, adjoint), columnOfG(w, at, r, 1, adjoint),
                            columnOfG(w, at, r, 2, adjoint));
                }
            }
        }
        return u;
    }

    /** Entry (r, col) of G·g: g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2 or g2 of column col. */
    private static float columnOfG(float[] w, int at, int r, int col, boolean flipped) {
        float g0 = tap(w, at, 0, col, flipped);
        float g1 = tap(w, at, 1, col, flipped);
        float g2 = tap(w, at, 2, col, flipped);
        return switch (r) {
            case 0 -> g0;
            case 1 -> 0.5f * (g0 + g1 + g2);
            case 2 -> 0.5f * (g0 - g1 + g2);
            default -> g2;
        };
    }

    /** U[4r .. 4r+3] at {@code out} from row r (a0, a1, a2) of G·g: a0, (a0+a1+a2)/2, (a0−a1+a2)/2, a2. */
    private static void weightRow(float[] u, int stride, int out, int r, float a0, float a1, float a2) {
        u[(4 * r) * stride + out] = a0;
        u[(4 * r + 1) * stride + out] = 0.5f * (a0 + a1 + a2);
        u[(4 * r + 2) * stride + out] = 0.5f * (a0 - a1 + a2);
        u[(4 * r + 3) * stride + out] = a2;
    }

    private static float tap(float[] w, int at, int row, int col, boolean flipped) {
        return flipped ? w[at + (2 - row) * 3 + (2 - col)] : w[at + row * 3 + col];
    }

    private void correlate(Plan p, float[] src, float[] u, float[] bias, float[] out, int batch) {
        int parts = parts(batch);
        int size = group(XI * (p.channels() + p.outChannels()) * p.tiles(), p.tiles(), (batch + parts - 1) / parts);
        if (parts == 1) {
            correlateImages(p, src, u, bias, out, 0, batch, parallelGemm, size);
        } else {
            parallel.split(parts, batch, SPLITS.get().set(this, p, src, u, bias, out, null, size));
        }
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);

    /**
     * A split call's arguments ({@link Parallel.Call}): a correlation {@code src, u, bias → out},
     * or, when {@code sums} is set, a weight gradient {@code src = x, u = gy → sums} per part.
     */
    private static final class Split extends Parallel.Call {
        private WinogradConvolution owner;
        private Plan p;
        private float[] src;
        private float[] u;
        private float[] bias;
        private float[] out;
        private float[][] sums;
        private int size;

        Split set(WinogradConvolution owner, Plan p, float[] src, float[] u, float[] bias, float[] out, float[][] sums,
                  int size) {
            this.owner = owner;
            this.p = p;
            this.src = src;
            this.u = u;
            this.bias = bias;
            this.out = out;
            this.sums = sums;
            this.size = size;
            return this;
        }

        @Override
        void clear() {
            set(null, null, null, null, null, null, null, 0);
        }

        @Override
        public void run(int part, int from, int to) {
            if (sums == null) {
                owner.correlateImages(p, src, u, bias, out, from, to, owner.serialGemm, size);
            } else {
                owner.weightImages(p, src, u, sums[part], from, to, owner.serialGemm, size);
            }
        }
    }

    /** Images [from, to) in groups of at most {@code size}. */
    private void correlateImages(Plan p, float[] src, float[] u, float[] bias, float[] out, int from, int to,
                                        Sgemm gemm, int size) {
        int c = p.channels();
        int k = p.outChannels();
        int n = to - from;
        int groups = (n + size - 1) / size;
        ConvWorkspace ws = ConvWorkspace.current();
        for (int q = 0; q < groups; q++) {
            int first = groupStart(from, n, groups, q);
            int count = groupStart(from, n, groups, q + 1) - first;
            int t = count * p.tiles();
            float[] v = ws.columns(XI * stride(c * t));
            float[] m = ws.tile(XI * stride(k * t));
            transformInput(p, src, first, count, v, ws);
            gemm.gemm(false, false, XI, k, t, c, 1f, u, 0, stride(k * c), v, 0, stride(c * t), 0f, m, 0, stride(k * t));
            transformOutput(p, m, bias, out, first, count, ws);
        }
    }

    /**
     * V[ξν][c][t] = Bᵀ·d·B for the 4×4 tiles d of images [first, first + count), t = (image, ty, tx).
     * Each source plane is first split into the eight quarter planes of
     * {@link ArrayKernels#winogradInput} (zero where a tile hangs over the plane's edge), so that
     * the transform itself runs over consecutive tiles with vectors and no bounds tests.
     */
    private void transformInput(Plan p, float[] src, int first, int count, float[] v, ConvWorkspace ws) {
        int c = p.channels();
        int tiles = p.tiles();
        int t = count * tiles;
        int stride = stride(c * t);
        int quarter = quarterSize(p);
        int hp = 2 * p.tilesY() + 2;
        int wp = 2 * p.tilesX() + 2;
        // The quarter planes, then the zero-padded source plane [hp, wp] they are cut from. The
        // padding is the same for every plane: zeroed once per call, never overwritten.
        float[] q = ws.plane(8 * quarter + hp * wp);
        java.util.Arrays.fill(q, 8 * quarter, 8 * quarter + hp * wp, 0f);
        for (int j = 0; j < count; j++) {
            for (int ci = 0; ci < c; ci++) {
                padPlane(p, src, (first + j) * p.srcImage() + ci * p.h() * p.w(), q, 8 * quarter, hp, wp);
                quarters(p, q, 8 * quarter, wp, quarter);
                kernels.winogradInput(q, 0, quarter, p.tilesX(), tiles, v, ci * t + j * tiles, stride);
            }
        }
    }

    /** Floats of one quarter plane: one row of tiles more than the plane has (the tiles' lower halves). */
    private static int quarterSize(Plan p) {
        return (p.tilesY() + 1) * p.tilesX();
    }

    /** Copies one source plane into the interior of d [hp, wp] at dOff: d(r, q) = source (r − padTop, q − padLeft). */
    private static void padPlane(Plan p, float[] src, int plane, float[] d, int dOff, int hp, int wp) {
        int qLo = Math.max(0, p.padLeft());
        int qHi = Math.min(wp, p.w() + p.padLeft());
        if (qLo >= qHi) {
            return;
        }
        int rLo = Math.max(0, p.padTop());
        int rHi = Math.min(hp, p.h() + p.padTop());
        for (int r = rLo; r < rHi; r++) {
            System.arraycopy(src, plane + (r - p.padTop()) * p.w() + qLo - p.padLeft(), d, dOff + r * wp + qLo, qHi - qLo);
        }
    }

    /**
     * Cuts the padded plane (at {@code dOff} of {@code q}, row pitch wp) into the quarter planes of
     * {@link ArrayKernels#winogradInput} at the start of {@code q}: quarter ((s·2 + k)·2 + φ)
     * holds, at (i, j), the padded pixel (2i + k, 2j + 2s + φ).
     */
    private static void quarters(Plan p, float[] q, int dOff, int wp, int quarter) {
        int tilesX = p.tilesX();
        for (int i = 0; i <= p.tilesY(); i++) {
            for (int k = 0; k < 2; k++) {
                int row = dOff + (2 * i + k) * wp;
                int q0 = 2 * k * quarter + i * tilesX;
                int q1 = q0 + quarter;
                int q2 = q0 + 4 * quarter;
                int q3 = q2 + quarter;
                for (int j = 0; j < tilesX; j++) {
                    q[q0 + j] = q[row + 2 * j];
                    q[q1 + j] = q[row + 2 * j + 1];
                    q[q2 + j] = q[row + 2 * j + 2];
                    q[q3 + j] = q[row + 2 * j + 3];
                }
            }
        }
    }

    /**
     * out[k][2×2 block of tile t] = Aᵀ·M[·][k][t]·A (+ bias), the block cut at the plane's edge:
     * the transform writes the four entries of every block of a plane as four rows of the
     * part's scratch plane, which are then interleaved into the output.
     */
    private void transformOutput(Plan p, float[] m, float[] bias, float[] out, int first, int count, ConvWorkspace ws) {
        int k = p.outChannels();
        int tiles = p.tiles();
        int t = count * tiles;
        int stride = stride(k * t);
        int oh = p.outH();
        int ow = p.outW();
        float[] blocks = ws.plane(4 * tiles);
        for (int j = 0; j < count; j++) {
            for (int ko = 0; ko < k; ko++) {
                kernels.winogradOutput(m, ko * t + j * tiles, stride, tiles, blocks, 0, tiles);
                int plane = (first + j) * p.outImage() + ko * oh * ow;
                float b = bias == null ? 0f : bias[ko];
                if (oh % 2 == 0 && ow % 2 == 0) {
                    // Every block whole: no edge tests.
                    for (int ty = 0, at = 0; ty < p.tilesY(); ty++) {
                        int row = plane + 2 * ty * ow;
                        for (int tx = 0; tx < p.tilesX(); tx++, at++) {
                            out[row + 2 * tx] = blocks[at] + b;
                            out[row + 2 * tx + 1] = blocks[tiles + at] + b;
                            out[row + ow + 2 * tx] = blocks[2 * tiles + at] + b;
                            out[row + ow + 2 * tx + 1] = blocks[3 * tiles + at] + b;
                        }
                    }
                    continue;
                }
                for (int ty = 0, at = 0; ty < p.tilesY(); ty++) {
                    int oy = 2 * ty;
                    for (int tx = 0; tx < p.tilesX(); tx++, at++) {
                        int ox = 2 * tx;
                        int row = plane + oy * ow + ox;
                        boolean right = ox + 1 < ow;
                        out[row] = blocks[at] + b;
                        if (right) {
                            out[row + 1] = blocks[tiles + at] + b;
                        }
                        if (oy + 1 < oh) {
                            out[row + ow] = blocks[2 * tiles + at] + b;
                            if (right) {
                                out[row + ow + 1] = blocks[3 * tiles + at] + b;
                            }
                        }
                    }
                }
            }
        }
    }

    // ================================================================ gradient to the weight

    void backwardWeight(float[] x, float[] gy, float[] gw, ConvGeometry g) {
        Plan p = forwardPlans.of(g);
        int c = p.channels();
        int k = p.outChannels();
        int batch = g.batch();
        int parts = parts(batch);
        int size = group(XI * (c + k) * p.tiles(), p.tiles(), (batch + parts - 1) / parts);
        int accFloats = XI * stride(k * c);
        // One accumulator per part, owned by this call's thread (which waits while the parts fill
        // them). Not the running thread's workspace: one thread may run several parts of a
        // call, which would then share one array, the later part overwriting the earlier's sums.
        float[][] sums = ConvWorkspace.current().partials(parts, accFloats);
        if (parts == 1) {
            weightImages(p, x, gy, sums[0], 0, batch, parallelGemm, size);
        } else {
            parallel.split(parts, batch, SPLITS.get().set(this, p, x, gy, null, null, sums, size));
        }
        // Fixed order over the parts, then gw = Gᵀ·W·G per (k, c).
        float[] total = sums[0];
        for (int q = 1; q < parts; q++) {
            float[] s = sums[q];
            for (int i = 0; i < accFloats; i++) {
                total[i] += s[i];
            }
        }
        int stride = stride(k * c);
        for (int i = 0; i < k * c; i++) {
            // Gᵀ·W: rows W0 + (W1 + W2)/2, (W1 − W2)/2, (W1 + W2)/2 + W3; then the same on the columns.
            for (int row = 0; row < 3; row++) {
                float a0 = rowOfGt(total, i, stride, row, 0);
                float a1 = rowOfGt(total, i, stride, row, 1);
                float a2 = rowOfGt(total, i, stride, row, 2);
                float a3 = rowOfGt(total, i, stride, row, 3);
                gw[i * 9 + row * 3] = a0 + 0.5f * (a1 + a2);
                gw[i * 9 + row * 3 + 1] = 0.5f * (a1 - a2);
                gw[i * 9 + row * 3 + 2] = 0.5f * (a1 + a2) + a3;
            }
        }
    }

    /** Entry (row, q) of Gᵀ·W for the 4×4 W at {@code total[ξ·stride + i]}. */
    private static float rowOfGt(float[] total, int i, int stride, int row, int q) {
        float w0 = total[q * stride + i];
        float w1 = total[(4 + q) * stride + i];
        float w2 = total[(8 + q) * stride + i];
        float w3 = total[(12 + q) * stride + i];
        return switch (row) {
            case 0 -> w0 + 0.5f * (w1 + w2);
            case 1 -> 0.5f * (w1 - w2);
            default -> 0.5f * (w1 + w2) + w3;
        };
    }

    /** {@code acc} = Σ over images [from, to) of the transformed products, in groups of at most {@code size}. */
    private void weightImages(Plan p, float[] x, float[] gy, float[] acc, int from, int to, Sgemm gemm, int size) {
        int c = p.channels();
        int k = p.outChannels();
        int n = to - from;
        if (n <= 0) {
            java.util.Arrays.fill(acc, 0, XI * stride(k * c), 0f);
            return;
        }
        int groups = (n + size - 1) / size;
        ConvWorkspace ws = ConvWorkspace.current();
        for (int q = 0; q < groups; q++) {
            int first = groupStart(from, n, groups, q);
            int count = groupStart(from, n, groups, q + 1) - first;
            int t = count * p.tiles();
            float[] v = ws.columns(XI * stride(c * t));
            float[] e = ws.tile(XI * stride(k * t));
            transformInput(p, x, first, count, v, ws);
            transformGradient(p, gy, first, count, e, ws);
            gemm.gemm(false, true, XI, k, c, t, 1f, e, 0, stride(k * t), v, 0, stride(c * t), q == 0 ? 0f : 1f, acc, 0,
                    stride(k * c));
        }
    }

    /**
     * E[ξν][k][t] = A·gy[k][t]·Aᵀ for the 2×2 blocks of gy (zero past the plane's edge): each
     * plane's blocks are first split into four rows of the part's scratch plane (entry b of block
     * t at b·tiles + t), which the transform reads one vector of tiles at a time.
     */
    private void transformGradient(Plan p, float[] gy, int first, int count, float[] e, ConvWorkspace ws) {
        int k = p.outChannels();
        int tiles = p.tiles();
        int t = count * tiles;
        int stride = stride(k * t);
        int oh = p.outH();
        int ow = p.outW();
        float[] blocks = ws.plane(4 * tiles);
        for (int j = 0; j < count; j++) {
            for (int ko = 0; ko < k; ko++) {
                int plane = (first + j) * p.outImage() + ko * oh * ow;
                if (oh % 2 == 0 && ow % 2 == 0) {
                    gatherWholeBlocks(p, gy, plane, blocks);
                } else {
                    gatherBlocks(p, gy, plane, blocks);
                }
                kernels.winogradGradient(blocks, 0, tiles, tiles, e, ko * t + j * tiles, stride);
            }
        }
    }

    /** Entry b of every 2×2 block of one gy plane into {@code blocks[b·tiles + t]}, all blocks whole. */
    private static void gatherWholeBlocks(Plan p, float[] gy, int plane, float[] blocks) {
        int tiles = p.tiles();
        int ow = p.outW();
        for (int ty = 0, at = 0; ty < p.tilesY(); ty++) {
            int row = plane + 2 * ty * ow;
            for (int tx = 0; tx < p.tilesX(); tx++, at++) {
                blocks[at] = gy[row + 2 * tx];
                blocks[tiles + at] = gy[row + 2 * tx + 1];
                blocks[2 * tiles + at] = gy[row + ow + 2 * tx];
                blocks[3 * tiles + at] = gy[row + ow + 2 * tx + 1];
            }
        }
    }

    /** {@link #gatherWholeBlocks} for planes of odd sizes: zero past the edge. */
    private static void gatherBlocks(Plan p, float[] gy, int plane, float[] blocks) {
        int tiles = p.tiles();
        int oh = p.outH();
        int ow = p.outW();
        for (int ty = 0, at = 0; ty < p.tilesY(); ty++) {
            int oy = 2 * ty;
            boolean below = oy + 1 < oh;
            for (int tx = 0; tx < p.tilesX(); tx++, at++) {
                int ox = 2 * tx;
                int row = plane + oy * ow + ox;
                boolean right = ox + 1 < ow;
                blocks[at] = gy[row];
                blocks[tiles + at] = right ? gy[row + 1] : 0f;
                blocks[2 * tiles + at] = below ? gy[row + ow] : 0f;
                blocks[3 * tiles + at] = right && below ? gy[row + ow + 1] : 0f;
            }
        }
    }
}
