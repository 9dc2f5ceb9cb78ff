package org.siftfunnel.kernels.cpu;

import java.util.Arrays;

import org.siftfunnel.engine.backend.ConvGeometry;

/**
 * Stride-1, undilated convolutions with very few output channels (the 2 → 1, 7×7 gates of
 * triplet attention and CBAM), computed directly instead of through im2col. With one output
 * channel, im2col writes C·k² floats per output pixel for only C·k² multiply-adds of GEMM: the
 * copy costs as much as the product. Here each image is copied once into a zero-padded plane
 * of width {@code Wp = outW + kW − 1}, and every kernel tap (c, ky, kx) becomes one long axpy
 * (forward, gradient to the input) or dot product (gradient to the weight) over the flat
 * output plane at row pitch Wp: output pixel (oy, ox) sits at {@code oy·Wp + ox} and reads
 * padded input {@code (oy + ky)·Wp + ox + kx}. The {@code kW − 1} columns past outW in each
 * row are scratch: they are computed and dropped in the forward pass, and held at zero in the
 * gradient so that they contribute nothing.
 *
 * <p>Images are split over the threads; the weight gradient is summed per part in double (in
 * arrays of the calling thread) and the parts added in a fixed order. Layouts are cached per
 * geometry, and a split call's operands travel in a per-thread {@code Split}, so a warm call
 * allocates nothing, on one thread or several.
 */
final class DirectConvolution {

    /** At most this many output channels go the direct way. */
    static final int MAX_OUT_CHANNELS = 4;
    /** Below this many multiply-adds per call, threads cost more than they save. */
    private static final long MIN_PARALLEL_MACS = 1L << 18;

    private final Parallel parallel;
    private final ArrayKernels kernels;
    private final GeometryCache<Layout> layouts = new GeometryCache<>(Layout::of);

    DirectConvolution(Parallel parallel, ArrayKernels kernels) {
        this.parallel = parallel;
        this.kernels = kernels;
    }

    /** Whether this class handles {@code g}: stride 1, no dilation, few output channels. */
    static boolean applies(ConvGeometry g) {
        return g.outChannels() <= MAX_OUT_CHANNELS && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1;
    }

    /** Padded-plane sizes of a geometry. */
    private record Layout(ConvGeometry g, int hp, int wp, int plane, int span, int outPlane) {
        static Layout of(ConvGeometry g) {
            int hp = g.outH() + g.kH() - 1;
            int wp = g.outW() + g.kW() - 1;
            // The flat output runs from pixel (0, 0) to (outH − 1, outW − 1) at pitch wp.
            int span = (g.outH() - 1) * wp + g.outW();
            return new Layout(g, hp, wp, hp * wp, span, g.outH() * wp);
        }

        int tap(int c, int ky, int kx) {
            return c * plane + ky * wp + kx;
        }
    }

    private enum Pass { FORWARD, INPUT, WEIGHT }

    /**
     * The images of one call split over the threads. The arguments travel in the calling
     * thread's {@link Split}, not in a lambda, which would be an object per call.
     */
    private void split(Pass pass, Layout l, int parts, float[] a, float[] b, float[] bias, float[] out, double[][] sums) {
        parallel.split(parts, l.g().batch(), SPLITS.get().set(this, pass, l, a, b, bias, out, sums));
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);

    /**
     * A split call's operands ({@link Parallel.Call}; {@code a, b, bias → out}: x, w, bias → y;
     * gy, w → gx; x, gy → sums per part).
     */
    private static final class Split extends Parallel.Call {
        private DirectConvolution owner;
        private Pass pass;
        private Layout l;
        private float[] a;
        private float[] b;
        private float[] bias;
        private float[] out;
        private double[][] sums;

        Split set(DirectConvolution owner, Pass pass, Layout l, float[] a, float[] b, float[] bias, float[] out,
                  double[][] sums) {
            this.owner = owner;
            this.pass = pass;
            this.l = l;
            this.a = a;
            this.b = b;
            this.bias = bias;
            this.out = out;
            this.sums = sums;
            return this;
        }

        @Override
        void clear() {
            set(null, null, null, null, null, null, null, null);
        }

        @Override
        public void run(int part, int from, int to) {
            switch (pass) {
                case FORWARD -> owner.forwardImages(l, a, b, bias, out, from, to);
                case INPUT -> owner.backwardInputImages(l, a, b, out, from, to);
                case WEIGHT -> owner.weightImages(l, a, b, sums[part], from, to);
            }
        }
    }

    private int parts(ConvGeometry g) {
        return g.macs() < MIN_PARALLEL_MACS ? 1 : Math.min(parallel.threads(), g.batch());
    }

    // ================================================================ forward

    void forward(float[] x, float[] w, float[] bias, float[] y, ConvGeometry g) {
        Layout l = layouts.of(g);
        int parts = parts(g);
        if (parts == 1) {
            forwardImages(l, x, w, bias, y, 0, g.batch());
        } else {
            split(Pass.FORWARD, l, parts, x, w, bias, y, null);
        }
    }

    private void forwardImages(Layout l, float[] x, float[] w, float[] bias, float[] y, int from, int to) {
        ConvGeometry g = l.g();
        ConvWorkspace ws = ConvWorkspace.current();
        float[] xp = ws.columns(g.inChannels() * l.plane());
        float[] acc = ws.tile(l.outPlane());
        for (int b = from; b < to; b++) {
            pad(l, x, b, xp);
            for (int co = 0; co < g.outChannels(); co++) {
                Arrays.fill(acc, 0, l.span(), bias == null ? 0f : bias[co]);
                int wAt = co * g.inChannels() * g.kH() * g.kW();
                for (int c = 0; c < g.inChannels(); c++) {
                    for (int ky = 0; ky < g.kH(); ky++) {
                        for (int kx = 0; kx < g.kW(); kx++) {
                            kernels.axpy(w[wAt++], xp, l.tap(c, ky, kx), acc, 0, l.span());
                        }
                    }
                }
                int yAt = (b * g.outChannels() + co) * g.outH() * g.outW();
                for (int oy = 0; oy < g.outH(); oy++) {
                    System.arraycopy(acc, oy * l.wp(), y, yAt + oy * g.outW(), g.outW());
                }
            }
        }
    }

    /**
     * Copies image b into the zero-padded planes {@code xp [C, hp, wp]}: padded (yy, xx) holds
     * input (yy − padH, xx − padW), or 0 outside the image.
     */
    private static void pad(Layout l, float[] x, int b, float[] xp) {
        ConvGeometry g = l.g();
        Arrays.fill(xp, 0, g.inChannels() * l.plane(), 0f);
        int xLo = Math.max(0, g.padW());
        int srcLo = Math.max(0, -g.padW());
        int len = Math.min(g.inW() - srcLo, l.wp() - xLo);
        for (int c = 0; c < g.inChannels(); c++) {
            int src = (b * g.inChannels() + c) * g.inH() * g.inW();
            for (int iy = 0; iy < g.inH(); iy++) {
                int yy = iy + g.padH();
                if (yy >= 0 && yy < l.hp() && len > 0) {
                    System.arraycopy(x, src + iy * g.inW() + srcLo, xp, c * l.plane() + yy * l.wp() + xLo, len);
                }
            }
        }
    }

    /** gy of image b at row pitch wp, zero in the scratch columns: {@code gyp [Cout, outH, wp]}. */
    private static void pitch(Layout l, float[] gy, int b, float[] gyp) {
        ConvGeometry g = l.g();
        int k = g.outChannels();
        Arrays.fill(gyp, 0, k * l.outPlane(), 0f);
        for (int co = 0; co < k; co++) {
            int src = (b * k + co) * g.outH() * g.outW();
            for (int oy = 0; oy < g.outH(); oy++) {
                System.arraycopy(gy, src + oy * g.outW(), gyp, co * l.outPlane() + oy * l.wp(), g.outW());
            }
        }
    }

    // ================================================================ gradient to the input

    void backwardInput(float[] gy, float[] w, float[] gx, ConvGeometry g) {
        Layout l = layouts.of(g);
        int parts = parts(g);
        if (parts == 1) {
            backwardInputImages(l, gy, w, gx, 0, g.batch());
        } else {
            split(Pass.INPUT, l, parts, gy, w, null, gx, null);
        }
    }

    private void backwardInputImages(Layout l, float[] gy, float[] w, float[] gx, int from, int to) {
        ConvGeometry g = l.g();
        ConvWorkspace ws = ConvWorkspace.current();
        float[] gxp = ws.columns(g.inChannels() * l.plane());
        float[] gyp = ws.tile(g.outChannels() * l.outPlane());
        for (int b = from; b < to; b++) {
            pitch(l, gy, b, gyp);
            Arrays.fill(gxp, 0, g.inChannels() * l.plane(), 0f);
            int wAt = 0;
            for (int co = 0; co < g.outChannels(); co++) {
                for (int c = 0; c < g.inChannels(); c++) {
                    for (int ky = 0; ky < g.kH(); ky++) {
                        for (int kx = 0; kx < g.kW(); kx++) {
                            kernels.axpy(w[wAt++], gyp, co * l.outPlane(), gxp, l.tap(c, ky, kx), l.span());
                        }
                    }
                }
            }
            crop(l, gxp, gx, b);
        }
    }

    /** The adjoint of {@link #pad}: input pixels outside the padded planes get a zero gradient. */
    private static void crop(Layout l, float[] gxp, float[] gx, int b) {
        ConvGeometry g = l.g();
        int xLo = Math.max(0, g.padW());
        int srcLo = Math.max(0, -g.padW());
        int len = Math.max(0, Math.min(g.inW() - srcLo, l.wp() - xLo));
        for (int c = 0; c < g.inChannels(); c++) {
            int dst = (b * g.inChannels() + c) * g.inH() * g.inW();
            for (int iy = 0; iy < g.inH(); iy++) {
                int row = dst + iy * g.inW();
                int yy = iy + g.padH();
                if (yy >= 0 && yy < l.hp() && len > 0) {
                    Arrays.fill(gx, row, row + srcLo, 0f);
                    System.arraycopy(gxp, c * l.plane() + yy * l.wp() + xLo, gx, row + srcLo, len);
                    Arrays.fill(gx, row + srcLo + len, row + g.inW(), 0f);
                } else {
                    Arrays.fill(gx, row, row + g.inW(), 0f);
                }
            }
        }
    }

    // ================================================================ gradient to the weight

    void backwardWeight(float[] x, float[] gy, float[] gw, ConvGeometry g) {
        Layout l = layouts.of(g);
        int size = g.outChannels() * g.inChannels() * g.kH() * g.kW();
        int parts = parts(g);
        // One sum per part, owned by this call's thread (which waits while the parts fill them).
        double[][] sums = ConvWorkspace.current().doublePartials(parts, size);
        if (parts == 1) {
            weightImages(l, x, gy, sums[0], 0, g.batch());
        } else {
            split(Pass.WEIGHT, l, parts, x, gy, null, null, sums);
        }
        for (int i = 0; i < size; i++) {
            double s = 0;
            for (int q = 0; q < parts; q++) {
                s += sums[q][i];
            }
            gw[i] = (float) s;
        }
    }

    /** {@code sum} = the weight gradient of images [from, to), in double. */
    private void weightImages(Layout l, float[] x, float[] gy, double[] sum, int from, int to) {
        ConvGeometry g = l.g();
        ConvWorkspace ws = ConvWorkspace.current();
        float[] xp = ws.columns(g.inChannels() * l.plane());
        float[] gyp = ws.tile(g.outChannels() * l.outPlane());
        Arrays.fill(sum, 0, g.outChannels() * g.inChannels() * g.kH() * g.kW(), 0.0);
        for (int b = from; b < to; b++) {
            pad(l, x, b, xp);
            pitch(l, gy, b, gyp);
            int at = 0;
            for (int co = 0; co < g.outChannels(); co++) {
                for (int c = 0; c < g.inChannels(); c++) {
                    for (int ky = 0; ky < g.kH(); ky++) {
                        for (int kx = 0; kx < g.kW(); kx++) {
                            sum[at++] += kernels.dot(gyp, co * l.outPlane(), xp, l.tap(c, ky, kx), l.span());
                        }
                    }
                }
            }
        }
    }
}
