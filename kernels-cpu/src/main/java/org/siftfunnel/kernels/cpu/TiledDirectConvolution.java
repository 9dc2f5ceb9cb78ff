package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.ConvGeometry;

/**
 * Stride-1, undilated convolutions with a dozen or so channels on each side (the 12 → 12, 3×3
 * and 5×5 layers of the SiftFunnel CNN's mixing block), computed directly from zero-padded
 * input planes with all output channels of a block in registers.
 *
 * <p>Why not im2col + GEMM: with 12 output channels the forward GEMM is [12, C·k²]·[C·k², pixels],
 * so every element of the column matrix (written by im2col, then read again by the GEMM's
 * packing) serves only 12 multiply-adds; the gradient to the input has an inner dimension of 12
 * and ends in a col2im of the same size. The copies cost more than the arithmetic. Here the
 * column matrix is never built: a kernel tap (c, ky, kx) is just an offset
 * {@code c·plane + ky·Wp + kx} into the padded planes (row pitch {@code Wp = outW + kW − 1}), and
 * {@link ArrayKernels#convTile} multiplies a 12-channel block of (pre-arranged) weights with
 * two vectors of output pixels, 24 accumulators, reading each input vector once per 12 FMAs,
 * exactly like a GEMM micro-kernel whose B operand is addressed through the tap offsets.
 * Positions are runs of L = {@link ArrayKernels#convLanes()} output pixels within one row
 * ({@code ⌈outW / L⌉} per row; the last one of a row is partial when L does not divide outW and
 * is stored only up to the row end), so the planes of 16×16 pixels are 16 whole vectors at
 * 512 bits and nothing is computed twice.
 *
 * <p>The gradient to the input is the same correlation run on gy padded by {@code k − 1 − pad}
 * with the weights transposed (input and output channels swapped) and flipped (tap (ky, kx) ↔
 * (kH−1−ky, kW−1−kx)). The gradient to the weight, a sum over the batch and the pixels, goes
 * through {@link ArrayKernels#convWeightTile}: 4 output channels × 4 taps of vector
 * accumulators summed over the positions of a chunk of images, kept per lane in the running
 * thread's array across the chunks of its part, and summed across the lanes into the part's own
 * sums (then across the parts, in double) in a fixed order, so results are the same from run
 * to run. Rows that end
 * in a partial vector are handled by copying gy at a pitch of whole vectors, zero past the row
 * end, so that the surplus lanes add nothing.
 *
 * <p>Images are split over the threads; weights are re-arranged once per call. Layouts, tap
 * offsets and positions are computed once per geometry ({@link GeometryCache}), per-part sums go
 * into arrays of the calling thread, so a warm single-threaded call allocates nothing.
 */
final class TiledDirectConvolution {

    /** Channel counts (input and output) up to this go the tiled direct way. */
    static final int MAX_CHANNELS = 16;
    /** Output channels above this go the tiled way (fewer: {@link DirectConvolution}). */
    static final int MIN_OUT_CHANNELS = DirectConvolution.MAX_OUT_CHANNELS + 1;
    /** Below this many multiply-adds per call, threads cost more than they save. */
    private static final long MIN_PARALLEL_MACS = 1L << 18;
    /** Floats of padded input and gy per chunk of images in the weight gradient (256 KiB: L2-resident). */
    private static final int CHUNK_FLOATS = 1 << 16;

    private static final int TILE = ArrayKernels.CONV_TILE_CHANNELS;
    private static final int POSITIONS = ArrayKernels.CONV_TILE_POSITIONS;
    private static final int WEIGHT_CHANNELS = ArrayKernels.CONV_WEIGHT_CHANNELS;
    private static final int WEIGHT_TAPS = ArrayKernels.CONV_WEIGHT_TAPS;

    private final Parallel parallel;
    private final ArrayKernels kernels;
    private final int lanes;
    private final GeometryCache<Correlation> forwardPlans = new GeometryCache<>(this::forwardPlan);
    private final GeometryCache<Correlation> adjointPlans = new GeometryCache<>(this::adjointPlan);
    private final GeometryCache<WeightPlan> weightPlans = new GeometryCache<>(this::weightPlan);

    TiledDirectConvolution(Parallel parallel, ArrayKernels kernels) {
        this.parallel = parallel;
        this.kernels = kernels;
        this.lanes = kernels.convLanes();
    }

    /** Whether this class handles {@code g}: stride 1, no dilation, a real kernel, 5 to 16 output and at most 16 input channels. */
    static boolean applies(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1 && g.dilationW() == 1
                && g.kH() * g.kW() > 1
                && g.outChannels() >= MIN_OUT_CHANNELS && g.outChannels() <= MAX_CHANNELS
                && g.inChannels() <= MAX_CHANNELS;
    }

    /**
     * A stride-1 correlation of {@code channels} source planes [srcH, srcW], placed at
     * (padTop, padLeft) in zero-padded planes [hp, wp], giving [outH, outW] planes.
     *
     * @param imageFloats floats of one image's padded planes
     * @param span        floats of a padded buffer holding one image, with L − 1 floats of slack for the last position's reads
     */
    private record Layout(int channels, int srcH, int srcW, int padTop, int padLeft, int kH, int kW, int outH, int outW,
                          int hp, int wp, int plane, int imageFloats, int span) {

        static Layout of(int channels, int srcH, int srcW, int padTop, int padLeft, int kH, int kW, int outH, int outW,
                         int lanes) {
            int hp = outH + kH - 1;
            int wp = outW + kW - 1;
            int plane = hp * wp;
            return new Layout(channels, srcH, srcW, padTop, padLeft, kH, kW, outH, outW, hp, wp, plane,
                    channels * plane, channels * plane + lanes);
        }

        int taps() {
            return channels * kH * kW;
        }

        /** Offsets of the taps (c, ky, kx), in that order, into the padded planes. */
        int[] tapOffsets(int padTo) {
            int[] off = new int[(taps() + padTo - 1) / padTo * padTo];
            int t = 0;
            for (int c = 0; c < channels; c++) {
                for (int ky = 0; ky < kH; ky++) {
                    for (int kx = 0; kx < kW; kx++) {
                        off[t++] = c * plane + ky * wp + kx;
                    }
                }
            }
            // Padding taps repeat tap 0; their sums are dropped.
            return off;
        }

        /**
         * Copies one image's source planes (at {@code srcOff}) into padded planes at {@code dstOff}
         * of {@code dst}: padded (r, q) holds source (r − padTop, q − padLeft), or 0 outside it.
         */
        void pad(float[] src, int srcOff, float[] dst, int dstOff) {
            Arrays.fill(dst, dstOff, dstOff + imageFloats, 0f);
            int qLo = Math.max(0, padLeft);
            int qHi = Math.min(wp, srcW + padLeft);
            if (qLo >= qHi) {
                return;
            }
            int rLo = Math.max(0, padTop);
            int rHi = Math.min(hp, srcH + padTop);
            for (int c = 0; c < channels; c++) {
                int s = srcOff + c * srcH * srcW;
                int d = dstOff + c * plane;
                for (int r = rLo; r < rHi; r++) {
                    System.arraycopy(src, s + (r - padTop) * srcW + qLo - padLeft, dst, d + r * wp + qLo, qHi - qLo);
                }
            }
        }
    }

    /** The forward correlation's layout: x padded by (padH, padW). */
    private Layout forwardLayout(ConvGeometry g) {
        return Layout.of(g.inChannels(), g.inH(), g.inW(), g.padH(), g.padW(), g.kH(), g.kW(), g.outH(), g.outW(), lanes);
    }

    /** The gradient-to-input correlation's layout: gy padded by (kH − 1 − padH, kW − 1 − padW), giving inH × inW. */
    private Layout adjointLayout(ConvGeometry g) {
        return Layout.of(g.outChannels(), g.outH(), g.outW(), g.kH() - 1 - g.padH(), g.kW() - 1 - g.padW(),
                g.kH(), g.kW(), g.inH(), g.inW(), lanes);
    }

    /** A correlation's layout with its tap offsets and output positions ({@link #positions}), per geometry. */
    private record Correlation(Layout layout, int[] tapOff, int[] pos) {
    }

    private Correlation forwardPlan(ConvGeometry g) {
        Layout l = forwardLayout(g);
        return new Correlation(l, l.tapOffsets(1), positions(l));
    }

    private Correlation adjointPlan(ConvGeometry g) {
        Layout l = adjointLayout(g);
        return new Correlation(l, l.tapOffsets(1), positions(l));
    }

    private int parts(ConvGeometry g) {
        return g.macs() < MIN_PARALLEL_MACS ? 1 : Math.min(parallel.threads(), g.batch());
    }

    /**
     * Output positions of a layout, as pairs (output offset, padded-input offset, lanes): runs of
     * L pixels within a row, the last of a row possibly partial. Padded to an even count with a
     * copy of the last position of 0 lanes.
     */
    private int[] positions(Layout l) {
        int perRow = (l.outW() + lanes - 1) / lanes;
        int count = l.outH() * perRow;
        int padded = (count + POSITIONS - 1) / POSITIONS * POSITIONS;
        int[] pos = new int[3 * padded];
        int i = 0;
        for (int oy = 0; oy < l.outH(); oy++) {
            for (int s = 0; s < perRow; s++) {
                int ox = s * lanes;
                pos[3 * i] = oy * l.outW() + ox;
                pos[3 * i + 1] = oy * l.wp() + ox;
                pos[3 * i + 2] = Math.min(lanes, l.outW() - ox);
                i++;
            }
        }
        for (; i < padded; i++) {
            pos[3 * i] = pos[3 * (count - 1)];
            pos[3 * i + 1] = pos[3 * (count - 1) + 1];
            pos[3 * i + 2] = 0;
        }
        return pos;
    }

    // ================================================================ forward and gradient to the input

    void forward(float[] x, float[] w, float[] bias, float[] y, ConvGeometry g) {
        Correlation plan = forwardPlans.of(g);
        Layout l = plan.layout();
        int k = g.outChannels();
        int taps = l.taps();
        // Weights as [block][tap][12 channels], zero past the last channel.
        int blocks = (k + TILE - 1) / TILE;
        float[] packed = packedWeights(blocks * taps * TILE);
        for (int co = 0; co < k; co++) {
            for (int t = 0; t < taps; t++) {
                packed[((co / TILE) * taps + t) * TILE + co % TILE] = w[co * taps + t];
            }
        }
        correlate(plan, x, g.inChannels() * g.inH() * g.inW(), packed, blocks, k, bias, y, g.batch(), parts(g));
    }

    void backwardInput(float[] gy, float[] w, float[] gx, ConvGeometry g) {
        Correlation plan = adjointPlans.of(g);
        Layout l = plan.layout();
        int c = g.inChannels();
        int k = g.outChannels();
        int kk = g.kH() * g.kW();
        int taps = l.taps();
        // Transposed, flipped weights: output channel c of the adjoint, tap (co, ky, kx) holds
        // w[co, c, kH−1−ky, kW−1−kx].
        int blocks = (c + TILE - 1) / TILE;
        float[] packed = packedWeights(blocks * taps * TILE);
        for (int ci = 0; ci < c; ci++) {
            for (int co = 0; co < k; co++) {
                for (int tap = 0; tap < kk; tap++) {
                    int t = co * kk + (kk - 1 - tap);
                    packed[((ci / TILE) * taps + t) * TILE + ci % TILE] = w[(co * c + ci) * kk + tap];
                }
            }
        }
        correlate(plan, gy, k * g.outH() * g.outW(), packed, blocks, c, null, gx, g.batch(), parts(g));
    }

    /**
     * A zeroed buffer for re-arranged weights: the calling thread's, which the call's other
     * threads only read while it waits for them.
     */
    private static float[] packedWeights(int size) {
        float[] packed = ConvWorkspace.current().weights(size);
        Arrays.fill(packed, 0, size, 0f);
        return packed;
    }

    /**
     * out[b] = correlation of the padded source image b with the packed weights, for
     * {@code outChannels} output channels in {@code blocks} blocks of 12, plus the bias.
     */
    private void correlate(Correlation plan, float[] src, int srcImage, float[] packed, int blocks, int outChannels,
                           float[] bias, float[] out, int batch, int parts) {
        if (parts == 1) {
            correlateImages(plan, src, srcImage, packed, blocks, outChannels, bias, out, 0, batch);
        } else {
            parallel.split(parts, batch, SPLITS.get().correlation(this, plan, src, srcImage, packed, blocks, outChannels, bias, out));
        }
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);

    /**
     * A split call's arguments ({@link Parallel.Call}): a correlation (forward or gradient to the
     * input) or a weight gradient (summed per part into {@code sums}).
     */
    private static final class Split extends Parallel.Call {
        private TiledDirectConvolution owner;
        private Correlation correlation;
        private WeightPlan weightPlan;
        private ConvGeometry g;
        private float[] src;
        private int srcImage;
        private float[] packed;
        private int blocks;
        private int outChannels;
        private float[] bias;
        private float[] out;
        private float[] gy;
        private double[][] sums;

        Split correlation(TiledDirectConvolution owner, Correlation plan, float[] src, int srcImage, float[] packed,
                          int blocks, int outChannels, float[] bias, float[] out) {
            this.owner = owner;
            this.correlation = plan;
            this.src = src;
            this.srcImage = srcImage;
            this.packed = packed;
            this.blocks = blocks;
            this.outChannels = outChannels;
            this.bias = bias;
            this.out = out;
            return this;
        }

        Split weight(TiledDirectConvolution owner, WeightPlan plan, ConvGeometry g, float[] x, float[] gy, double[][] sums) {
            this.owner = owner;
            this.weightPlan = plan;
            this.g = g;
            this.src = x;
            this.gy = gy;
            this.sums = sums;
            return this;
        }

        @Override
        void clear() {
            owner = null;
            correlation = null;
            weightPlan = null;
            g = null;
            src = null;
            packed = null;
            bias = null;
            out = null;
            gy = null;
            sums = null;
        }

        @Override
        public void run(int part, int from, int to) {
            if (correlation != null) {
                owner.correlateImages(correlation, src, srcImage, packed, blocks, outChannels, bias, out, from, to);
            } else {
                owner.weightImages(weightPlan, g, src, gy, sums[part], from, to);
            }
        }
    }

    private void correlateImages(Correlation plan, float[] src, int srcImage, float[] packed, int blocks,
                                 int outChannels, float[] bias, float[] out, int from, int to) {
        Layout l = plan.layout();
        int taps = l.taps();
        int[] tapOff = plan.tapOff();
        int[] pos = plan.pos();
        int pairs = pos.length / (3 * POSITIONS);
        int outPlane = l.outH() * l.outW();
        int outImage = outChannels * outPlane;
        ConvWorkspace ws = ConvWorkspace.current();
        float[] padded = ws.columns(l.span());
        float[] tile = ws.tile(TILE * POSITIONS * lanes);
        Arrays.fill(padded, l.imageFloats(), l.span(), 0f);
        for (int b = from; b < to; b++) {
            l.pad(src, b * srcImage, padded, 0);
            for (int blk = 0; blk < blocks; blk++) {
                int c0 = blk * TILE;
                int channels = Math.min(TILE, outChannels - c0);
                for (int q = 0; q < pairs; q++) {
                    int p0 = 3 * POSITIONS * q;
                    int p1 = p0 + 3;
                    kernels.convTile(taps, tapOff, packed, blk * taps * TILE, padded, pos[p0 + 1], pos[p1 + 1], tile);
                    int base = b * outImage + c0 * outPlane;
                    store(tile, 0, channels, bias, c0, out, base + pos[p0], outPlane, pos[p0 + 2]);
                    store(tile, 1, channels, bias, c0, out, base + pos[p1], outPlane, pos[p1 + 2]);
                }
            }
        }
    }

    /** Copies position i of a tile (its first {@code n} lanes, {@code channels} channels) to out, adding the bias. */
    private void store(float[] tile, int i, int channels, float[] bias, int c0, float[] out, int at, int ldo, int n) {
        for (int j = 0; j < channels; j++) {
            int t = (j * POSITIONS + i) * lanes;
            int o = at + j * ldo;
            float b = bias == null ? 0f : bias[c0 + j];
            for (int e = 0; e < n; e++) {
                out[o + e] = tile[t + e] + b;
            }
        }
    }

    // ================================================================ gradient to the weight

    /**
     * The weight gradient's tables for one geometry.
     *
     * @param tapOff         tap offsets into the padded planes, padded to whole blocks of taps
     * @param pitched        whether rows end in a partial vector, so that gy is copied at {@code pitch}
     * @param gyPitchedImage floats of one image of gy at that pitch
     * @param chan           gy channel offsets, padded to whole blocks by repeating the last channel (dropped)
     * @param pos            positions as (gy offset, padded-x offset)
     * @param accFloats      vector accumulators of one part
     * @param chunk          images per chunk (their padded input and gy stay in L2)
     */
    private record WeightPlan(Layout layout, int[] tapOff, boolean pitched, int pitch, int gyPitchedImage, int[] chan,
                              int[] pos, int accFloats, int chunk) {
        int tapBlocks() {
            return tapOff.length / WEIGHT_TAPS;
        }

        int chanBlocks() {
            return chan.length / WEIGHT_CHANNELS;
        }

        int count() {
            return pos.length / 2;
        }
    }

    private WeightPlan weightPlan(ConvGeometry g) {
        Layout l = forwardLayout(g);
        int k = g.outChannels();
        int[] tapOff = l.tapOffsets(WEIGHT_TAPS);
        int tapBlocks = tapOff.length / WEIGHT_TAPS;
        // Rows whose width is not a multiple of L end in a partial vector. Rather than masked
        // loads (which C1 cannot compile in a kernel this size), gy is then copied at a row pitch
        // of whole vectors with zeros past the row end, so that the surplus lanes add
        // 0 · (padded input, finite) = 0; every position is then a whole vector.
        int perRow = (l.outW() + lanes - 1) / lanes;
        boolean pitched = l.outW() % lanes != 0;
        int pitch = pitched ? perRow * lanes : l.outW();
        int gyPlane = l.outH() * pitch;
        int gyPitchedImage = k * gyPlane;
        int chanBlocks = (k + WEIGHT_CHANNELS - 1) / WEIGHT_CHANNELS;
        int[] chan = new int[chanBlocks * WEIGHT_CHANNELS];
        for (int j = 0; j < chan.length; j++) {
            chan[j] = Math.min(j, k - 1) * gyPlane;
        }
        int count = l.outH() * perRow;
        int[] pos = new int[2 * count];
        for (int oy = 0, i = 0; oy < l.outH(); oy++) {
            for (int q = 0; q < perRow; q++, i++) {
                pos[2 * i] = oy * pitch + q * lanes;
                pos[2 * i + 1] = oy * l.wp() + q * lanes;
            }
        }
        int accFloats = chanBlocks * tapBlocks * WEIGHT_CHANNELS * WEIGHT_TAPS * lanes;
        int chunk = Math.max(1, CHUNK_FLOATS / (l.imageFloats() + gyPitchedImage));
        return new WeightPlan(l, tapOff, pitched, pitch, gyPitchedImage, chan, pos, accFloats, chunk);
    }

    void backwardWeight(float[] x, float[] gy, float[] gw, ConvGeometry g) {
        WeightPlan plan = weightPlans.of(g);
        int size = g.outChannels() * plan.layout().taps();
        int parts = parts(g);
        // One sum per part, owned by this call's thread (which waits while the parts fill them).
        double[][] sums = ConvWorkspace.current().doublePartials(parts, size);
        if (parts == 1) {
            weightImages(plan, g, x, gy, sums[0], 0, g.batch());
        } else {
            parallel.split(parts, g.batch(), SPLITS.get().weight(this, plan, g, x, gy, sums));
        }
        for (int i = 0; i < size; i++) {
            double s = 0;
            for (int q = 0; q < parts; q++) {
                s += sums[q][i];
            }
            gw[i] = (float) s;
        }
    }

    /**
     * {@code sum[co·taps + t]} = the weight gradient of images [from, to): vector sums in the
     * running thread's accumulators (only while this part runs), then added across the lanes.
     */
    private void weightImages(WeightPlan plan, ConvGeometry g, float[] x, float[] gy, double[] sum, int from, int to) {
        Layout l = plan.layout();
        int k = g.outChannels();
        int taps = l.taps();
        int tapBlocks = plan.tapBlocks();
        int chanBlocks = plan.chanBlocks();
        int accFloats = plan.accFloats();
        int chunk = plan.chunk();
        int pitch = plan.pitch();
        int gyPitchedImage = plan.gyPitchedImage();
        int gyImage = k * g.outH() * g.outW();
        int xImage = g.inChannels() * g.inH() * g.inW();
        ConvWorkspace ws = ConvWorkspace.current();
        float[] acc = ws.accumulators(accFloats);
        Arrays.fill(acc, 0, accFloats, 0f);
        int images = Math.max(1, Math.min(chunk, to - from));
        float[] padded = ws.columns(images * l.imageFloats() + lanes);
        float[] gyp = plan.pitched() ? ws.tile(images * gyPitchedImage) : null;
        for (int b0 = from; b0 < to; b0 += chunk) {
            int n = Math.min(chunk, to - b0);
            for (int j = 0; j < n; j++) {
                l.pad(x, (b0 + j) * xImage, padded, j * l.imageFloats());
            }
            Arrays.fill(padded, n * l.imageFloats(), n * l.imageFloats() + lanes, 0f);
            float[] gSrc = gy;
            int gOff = b0 * gyImage;
            if (plan.pitched()) {
                Arrays.fill(gyp, 0, n * gyPitchedImage, 0f);
                for (int r = 0; r < n * k * l.outH(); r++) {
                    System.arraycopy(gy, b0 * gyImage + r * l.outW(), gyp, r * pitch, l.outW());
                }
                gSrc = gyp;
                gOff = 0;
            }
            for (int cb = 0; cb < chanBlocks; cb++) {
                for (int tb = 0; tb < tapBlocks; tb++) {
                    int accOff = (cb * tapBlocks + tb) * WEIGHT_CHANNELS * WEIGHT_TAPS * lanes;
                    kernels.convWeightTile(n, gSrc, gOff, gyPitchedImage, plan.chan(), cb * WEIGHT_CHANNELS,
                            padded, 0, l.imageFloats(), plan.tapOff(), tb * WEIGHT_TAPS, plan.pos(), plan.count(), lanes,
                            acc, accOff);
                }
            }
        }
        for (int co = 0; co < k; co++) {
            int cb = co / WEIGHT_CHANNELS;
            int j = co % WEIGHT_CHANNELS;
            for (int t = 0; t < taps; t++) {
                int at = ((cb * tapBlocks + t / WEIGHT_TAPS) * WEIGHT_CHANNELS * WEIGHT_TAPS
                        + j * WEIGHT_TAPS + t % WEIGHT_TAPS) * lanes;
                double s = 0;
                for (int e = 0; e < lanes; e++) {
                    s += acc[at + e];
                }
                sum[co * taps + t] = s;
            }
        }
    }
}
