package org.siftfunnel.kernels.opencl;

import org.siftfunnel.engine.backend.ConvGeometry;

/**
 * Convolution as im2col + GEMM, in chunks of images so that the column matrix stays bounded.
 * The columns of a chunk form one matrix {@code col [Cin·kH·kW, images·OH·OW]}:
 * <ul>
 *   <li>forward: per image, {@code y_b = W · col_b} (a batched GEMM reading col with its leading
 *       dimension), then the bias;</li>
 *   <li>input gradient: per image, {@code gcol_b = Wᵀ · gy_b}, then col2im (a gather, so every
 *       input pixel is written by one work-item);</li>
 *   <li>weight gradient: {@code gW += gy_chunk · colᵀ} as one GEMM over all pixels of the chunk,
 *       with gy rearranged channel-major first.</li>
 * </ul>
 */
final class ClConvolution {
    /** Column-matrix budget per chunk, in floats (64 MiB by default; tests lower it to exercise chunking). */
    static volatile long columnBudget = 16L << 20;

    private final OpenClBackend backend;
    private final ClGemm gemm;
    private final ClKernel im2col;
    private final ClKernel col2im;
    private final ClKernel channelMajor;
    private final ClKernel addBias;

    ClConvolution(OpenClBackend backend, ClRuntime runtime, ClGemm gemm) {
        this.backend = backend;
        this.gemm = gemm;
        this.im2col = runtime.kernel("conv", "im2col");
        this.col2im = runtime.kernel("conv", "col2im");
        this.channelMajor = runtime.kernel("conv", "channel_major");
        this.addBias = runtime.kernel("conv", "add_channel_bias");
    }

    void forward(ClBuffer x, ClBuffer w, ClBuffer bias, ClBuffer out, ConvGeometry g) {
        int rows = rows(g);
        int ohw = g.outH() * g.outW();
        int chunk = chunk(g);
        ClBuffer col = backend.scratch(OpenClBackend.Scratch.COLUMNS, (long) rows * chunk * ohw);
        for (int b0 = 0; b0 < g.batch(); b0 += chunk) {
            int count = Math.min(chunk, g.batch() - b0);
            columns("conv2d", x, col, g, b0, count);
            gemm.run("conv2d", false, false, count, g.outChannels(), ohw, rows, 1f,
                    w, 0, 0, rows,
                    col, 0, ohw, count * ohw,
                    0f, out, b0 * g.outChannels() * ohw, g.outChannels() * ohw, ohw);
        }
        if (bias != null) {
            int total = g.batch() * g.outChannels() * ohw;
            addBias.launch("conv2d/bias").buf(out).buf(bias).i(g.outChannels()).i(ohw).i(total).run1d(total);
        }
    }

    void backwardInput(ClBuffer gy, ClBuffer w, ClBuffer gx, ConvGeometry g) {
        int rows = rows(g);
        int ohw = g.outH() * g.outW();
        int chunk = chunk(g);
        ClBuffer col = backend.scratch(OpenClBackend.Scratch.COLUMNS, (long) rows * chunk * ohw);
        for (int b0 = 0; b0 < g.batch(); b0 += chunk) {
            int count = Math.min(chunk, g.batch() - b0);
            gemm.run("conv2dBackwardInput", true, false, count, rows, ohw, g.outChannels(), 1f,
                    w, 0, 0, rows,
                    gy, b0 * g.outChannels() * ohw, g.outChannels() * ohw, ohw,
                    0f, col, 0, ohw, count * ohw);
            int total = count * g.inChannels() * g.inH() * g.inW();
            col2im.launch("conv2dBackwardInput/col2im").buf(col).buf(gx).int16(geometry(g)).i(b0).i(count).run1d(total);
        }
    }

    void backwardWeight(ClBuffer x, ClBuffer gy, ClBuffer gw, ConvGeometry g) {
        int rows = rows(g);
        int ohw = g.outH() * g.outW();
        int chunk = chunk(g);
        ClBuffer col = backend.scratch(OpenClBackend.Scratch.COLUMNS, (long) rows * chunk * ohw);
        ClBuffer gyP = backend.scratch(OpenClBackend.Scratch.CHANNEL_MAJOR, (long) g.outChannels() * chunk * ohw);
        for (int b0 = 0; b0 < g.batch(); b0 += chunk) {
            int count = Math.min(chunk, g.batch() - b0);
            columns("conv2dBackwardWeight", x, col, g, b0, count);
            int total = count * g.outChannels() * ohw;
            channelMajor.launch("conv2dBackwardWeight/channel_major").buf(gy).buf(gyP)
                    .i(g.outChannels()).i(ohw).i(b0).i(count).run1d(total);
            int k = count * ohw;
            gemm.run("conv2dBackwardWeight", false, true, 1, g.outChannels(), rows, k, 1f,
                    gyP, 0, 0, k,
                    col, 0, 0, k,
                    b0 == 0 ? 0f : 1f, gw, 0, 0, rows);
        }
    }

    private void columns(String op, ClBuffer x, ClBuffer col, ConvGeometry g, int b0, int count) {
        long total = (long) rows(g) * count * g.outH() * g.outW();
        im2col.launch(op + "/im2col").buf(x).buf(col).int16(geometry(g)).i(b0).i(count).run1d(total);
    }

    private static int rows(ConvGeometry g) {
        return g.inChannels() * g.kH() * g.kW();
    }

    /** Images per chunk: as many as fit the column budget (and the device's largest allocation), at least one. */
    private int chunk(ConvGeometry g) {
        long perImage = (long) rows(g) * g.outH() * g.outW();
        long budget = Math.min(columnBudget, backend.device().maxAllocBytes() / Float.BYTES);
        return (int) Math.max(1, Math.min(g.batch(), budget / Math.max(1, perImage)));
    }

    /** The geometry as the kernels' int16 (see conv.cl). */
    private static int[] geometry(ConvGeometry g) {
        return new int[] {g.batch(), g.inChannels(), g.inH(), g.inW(), g.outChannels(), g.kH(), g.kW(),
            g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.outH(), g.outW(), 0};
    }
}
