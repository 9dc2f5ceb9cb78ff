package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;

/**
 * 3×3, stride-1 convolutions with many channels on both sides (the deep layers of the
 * SiftFunnel CNN, e.g. 256 → 512 on 8×8 planes) by Winograd's minimal filtering F(2×2, 3×3)
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
 * <p>The rounding error is that of a few more additions per output (the transforms' entries
 * are 0, ±1 and ±½), well inside the backend's tolerance. Images go in groups whose transformed
 * tiles fit a per-thread budget, so that each GEMM is long enough to amortise the packing of
 * its weight matrix; batches of at least as many images as threads are split over the images
 * (each thread with a single-threaded GEMM), a smaller batch runs on the threaded GEMM. The
 * weight gradient sums per-part partial products (arrays of the calling thread, one per part)
 * in part order, so results are the same from run to run for a given thread count.
 */
final class WinogradConvolution {

    /** Input and output channels from this many on go the Winograd way. */
    static final int MIN_CHANNELS = 64;
    /** Positions of a transformed tile. */
    private static final int XI = 16;

    private final Parallel parallel;
    private final Sgemm serialGemm;
    private final Sgemm parallelGemm;
    private final int maxGroupFloats;
    private final GeometryCache<Plan> forwardPlans = new GeometryCache<>(WinogradConvolution::forwardPlan);
    private final GeometryCache<Plan> adjointPlans = new GeometryCache<>(WinogradConvolution::adjointPlan);

    /**
     * @param maxGroupFloats cap on one thread's transformed tiles of a group of images (input
     *                       and output side together); a group has at least one image
     */
    WinogradConvolution(Parallel parallel, Sgemm serialGemm, Sgemm parallelGemm, int maxGroupFloats) {
        this.parallel = parallel;
        this.serialGemm = serialGemm;
        this.parallelGemm = parallelGemm;
        this.maxGroupFloats = maxGroupFloats;
    }

    /** Whether this class handles {@code g}: 3×3, stride 1, no dilation, at least 64 channels in and out. */
    static boolean applies(ConvGeometry g) {
        return g.kH() == 3 && g.kW() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1
                && g.inChannels() >= MIN_CHANNELS && g.outChannels() >= MIN_CHANNELS;
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

    /** Images per group: as many as fit the budget, at least one. */
    private int group(int perImageFloats, int images) {
        return (int) Math.max(1, Math.min(images, maxGroupFloats / Math.max(1, (long) perImageFloats)));
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
        int size = group(XI * (p.channels() + p.outChannels()) * p.tiles(), (batch + parts - 1) / parts);
        // A lambda only for a real split: the single-part path allocates nothing.
        if (parts == 1) {
            correlateImages(p, src, u, bias, out, 0, batch, parallelGemm, size);
        } else {
            parallel.forParts(parts, batch, (part, from, to) -> correlateImages(p, src, u, bias, out, from, to, serialGemm, size));
        }
    }

    /** Images [from, to) in groups of at most {@code size}. */
    private static void correlateImages(Plan p, float[] src, float[] u, float[] bias, float[] out, int from, int to,
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
            transformOutput(p, m, bias, out, first, count);
        }
    }

    /**
     * V[ξν][c][t] = Bᵀ·d·B for the 4×4 tiles d of images [first, first + count), t = (image, ty, tx).
     * Each source plane is first copied into a zero-padded plane covering every tile, so that the
     * transform itself reads fixed offsets without bounds tests.
     */
    private static void transformInput(Plan p, float[] src, int first, int count, float[] v, ConvWorkspace ws) {
        int c = p.channels();
        int tiles = p.tiles();
        int t = count * tiles;
        int stride = stride(c * t);
        int hp = 2 * p.tilesY() + 2;
        int wp = 2 * p.tilesX() + 2;
        // The padding is the same for every plane: zeroed once per call, never overwritten.
        float[] d = ws.plane(hp * wp);
        java.util.Arrays.fill(d, 0, hp * wp, 0f);
        for (int j = 0; j < count; j++) {
            for (int ci = 0; ci < c; ci++) {
                padPlane(p, src, (first + j) * p.srcImage() + ci * p.h() * p.w(), d, hp, wp);
                int col = ci * t + j * tiles;
                for (int ty = 0; ty < p.tilesY(); ty++) {
                    int at = col + ty * p.tilesX();
                    for (int tx = 0; tx < p.tilesX(); tx++, at++) {
                        int o = 2 * ty * wp + 2 * tx;
                        // Bᵀ·d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 (4 columns each) ...
                        float a0 = d[o] - d[o + 2 * wp];
                        float a1 = d[o + 1] - d[o + 2 * wp + 1];
                        float a2 = d[o + 2] - d[o + 2 * wp + 2];
                        float a3 = d[o + 3] - d[o + 2 * wp + 3];
                        float b0 = d[o + wp] + d[o + 2 * wp];
                        float b1 = d[o + wp + 1] + d[o + 2 * wp + 1];
                        float b2 = d[o + wp + 2] + d[o + 2 * wp + 2];
                        float b3 = d[o + wp + 3] + d[o + 2 * wp + 3];
                        float c0 = d[o + 2 * wp] - d[o + wp];
                        float c1 = d[o + 2 * wp + 1] - d[o + wp + 1];
                        float c2 = d[o + 2 * wp + 2] - d[o + wp + 2];
                        float c3 = d[o + 2 * wp + 3] - d[o + wp + 3];
                        float e0 = d[o + wp] - d[o + 3 * wp];
                        float e1 = d[o + wp + 1] - d[o + 3 * wp + 1];
                        float e2 = d[o + wp + 2] - d[o + 3 * wp + 2];
                        float e3 = d[o + wp + 3] - d[o + 3 * wp + 3];
                        // ... then the same on the columns of each row.
                        v[at] = a0 - a2;
                        v[stride + at] = a1 + a2;
                        v[2 * stride + at] = a2 - a1;
                        v[3 * stride + at] = a1 - a3;
                        v[4 * stride + at] = b0 - b2;
                        v[5 * stride + at] = b1 + b2;
                        v[6 * stride + at] = b2 - b1;
                        v[7 * stride + at] = b1 - b3;
                        v[8 * stride + at] = c0 - c2;
                        v[9 * stride + at] = c1 + c2;
                        v[10 * stride + at] = c2 - c1;
                        v[11 * stride + at] = c1 - c3;
                        v[12 * stride + at] = e0 - e2;
                        v[13 * stride + at] = e1 + e2;
                        v[14 * stride + at] = e2 - e1;
                        v[15 * stride + at] = e1 - e3;
                    }
                }
            }
        }
    }

    /** Copies one source plane into the interior of d [hp, wp]: d(r, q) = source (r − padTop, q − padLeft). */
    private static void padPlane(Plan p, float[] src, int plane, float[] d, int hp, int wp) {
        int qLo = Math.max(0, p.padLeft());
        int qHi = Math.min(wp, p.w() + p.padLeft());
        if (qLo >= qHi) {
            return;
        }
        int rLo = Math.max(0, p.padTop());
        int rHi = Math.min(hp, p.h() + p.padTop());
        int n = qHi - qLo;
        for (int r = rLo; r < rHi; r++) {
            int from = plane + (r - p.padTop()) * p.w() + qLo - p.padLeft();
            int to = r * wp + qLo;
            for (int i = 0; i < n; i++) {
                d[to + i] = src[from + i];
            }
        }
    }

    /** out[k][2×2 block of tile t] = Aᵀ·M[·][k][t]·A (+ bias), the block cut at the plane's edge. */
    private static void transformOutput(Plan p, float[] m, float[] bias, float[] out, int first, int count) {
        int k = p.outChannels();
        int tiles = p.tiles();
        int t = count * tiles;
        int stride = stride(k * t);
        int oh = p.outH();
        int ow = p.outW();
        for (int j = 0; j < count; j++) {
            for (int ko = 0; ko < k; ko++) {
                int plane = (first + j) * p.outImage() + ko * oh * ow;
                int col = ko * t + j * tiles;
                float b = bias == null ? 0f : bias[ko];
                for (int ty = 0; ty < p.tilesY(); ty++) {
                    for (int tx = 0; tx < p.tilesX(); tx++) {
                        int at = col + ty * p.tilesX() + tx;
                        // Aᵀ·M: rows m0 + m1 + m2 and m1 − m2 − m3, then the same on the columns.
                        float s0 = m[at] + m[4 * stride + at] + m[8 * stride + at];
                        float s1 = m[stride + at] + m[5 * stride + at] + m[9 * stride + at];
                        float s2 = m[2 * stride + at] + m[6 * stride + at] + m[10 * stride + at];
                        float s3 = m[3 * stride + at] + m[7 * stride + at] + m[11 * stride + at];
                        float r0 = m[4 * stride + at] - m[8 * stride + at] - m[12 * stride + at];
                        float r1 = m[5 * stride + at] - m[9 * stride + at] - m[13 * stride + at];
                        float r2 = m[6 * stride + at] - m[10 * stride + at] - m[14 * stride + at];
                        float r3 = m[7 * stride + at] - m[11 * stride + at] - m[15 * stride + at];
                        int oy = 2 * ty;
                        int ox = 2 * tx;
                        int row = plane + oy * ow + ox;
                        boolean right = ox + 1 < ow;
                        out[row] = s0 + s1 + s2 + b;
                        if (right) {
                            out[row + 1] = s1 - s2 - s3 + b;
                        }
                        if (oy + 1 < oh) {
                            out[row + ow] = r0 + r1 + r2 + b;
                            if (right) {
                                out[row + ow + 1] = r1 - r2 - r3 + b;
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
        int size = group(XI * (c + k) * p.tiles(), (batch + parts - 1) / parts);
        int accFloats = XI * stride(k * c);
        // One accumulator per part, owned by this call's thread (which waits while the parts fill
        // them). Not the running thread's workspace: one pool thread may run several parts of a
        // call, which would then share one array, the later part overwriting the earlier's sums.
        float[][] sums = ConvWorkspace.current().partials(parts, accFloats);
        if (parts == 1) {
            weightImages(p, x, gy, sums[0], 0, batch, parallelGemm, size);
        } else {
            parallel.forParts(parts, batch, (part, from, to) -> weightImages(p, x, gy, sums[part], from, to, serialGemm, size));
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
    private static void weightImages(Plan p, float[] x, float[] gy, float[] acc, int from, int to, Sgemm gemm, int size) {
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
            transformGradient(p, gy, first, count, e);
            gemm.gemm(false, true, XI, k, c, t, 1f, e, 0, stride(k * t), v, 0, stride(c * t), q == 0 ? 0f : 1f, acc, 0,
                    stride(k * c));
        }
    }

    /** E[ξν][k][t] = A·gy[k][t]·Aᵀ for the 2×2 blocks of gy (zero past the plane's edge). */
    private static void transformGradient(Plan p, float[] gy, int first, int count, float[] e) {
        int k = p.outChannels();
        int tiles = p.tiles();
        int t = count * tiles;
        int stride = stride(k * t);
        int oh = p.outH();
        int ow = p.outW();
        for (int j = 0; j < count; j++) {
            for (int ko = 0; ko < k; ko++) {
                int plane = (first + j) * p.outImage() + ko * oh * ow;
                int col = ko * t + j * tiles;
                for (int ty = 0; ty < p.tilesY(); ty++) {
                    int oy = 2 * ty;
                    for (int tx = 0; tx < p.tilesX(); tx++) {
                        int ox = 2 * tx;
                        int row = plane + oy * ow + ox;
                        boolean right = ox + 1 < ow;
                        boolean below = oy + 1 < oh;
                        float g00 = gy[row];
                        float g01 = right ? gy[row + 1] : 0f;
                        float g10 = below ? gy[row + ow] : 0f;
                        float g11 = right && below ? gy[row + ow + 1] : 0f;
                        // A·g: rows g0, g0 + g1, g0 − g1, −g1; then the same on the columns.
                        int at = col + ty * p.tilesX() + tx;
                        gradientRow(e, at, stride, 0, g00, g01);
                        gradientRow(e, at, stride, 1, g00 + g10, g01 + g11);
                        gradientRow(e, at, stride, 2, g00 - g10, g01 - g11);
                        gradientRow(e, at, stride, 3, -g10, -g11);
                    }
                }
            }
        }
    }

    /** Row q of A·g·Aᵀ from row q of A·g, (a, b): a, a + b, a − b, −b. */
    private static void gradientRow(float[] e, int at, int stride, int q, float a, float b) {
        e[(4 * q) * stride + at] = a;
        e[(4 * q + 1) * stride + at] = a + b;
        e[(4 * q + 2) * stride + at] = a - b;
        e[(4 * q + 3) * stride + at] = -b;
    }
}
