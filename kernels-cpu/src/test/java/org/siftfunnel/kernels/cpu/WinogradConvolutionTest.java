package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendPair;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * {@link WinogradConvolution} (F(2×2, 3×3)) against the reference at every SIMD width and the
 * scalar kernels, on 1 and 2 threads, and with small group budgets (groups of one image,
 * groups of uneven sizes): planes of odd sizes (2×2 output blocks cut at the edge), no
 * padding, padding 2 and 3 (the adjoint's padding 0 and −1), padding in one direction only,
 * and a single image on two threads (the threaded GEMM). Outputs are pre-filled with NaN so
 * that an element left unwritten fails.
 */
class WinogradConvolutionTest {

    private static final double TOLERANCE = 1e-5;

    private static final List<Backend> BACKENDS = backends();

    private static List<Backend> backends() {
        List<Backend> list = new ArrayList<>();
        for (VectorWidth w : List.of(VectorWidth.BITS_512, VectorWidth.BITS_256, VectorWidth.BITS_128, VectorWidth.SCALAR)) {
            list.add(new CpuBackend(1, w));
            list.add(new CpuBackend(2, w));
        }
        // Group budgets of 4× the column limit: one image per group, and groups of 2 and 3 of 5 images.
        list.add(new CpuBackend(2, VectorWidth.AUTO, 5000));
        list.add(new CpuBackend(1, VectorWidth.AUTO, 40000));
        return list;
    }

    private static ConvGeometry conv(int n, int c, int h, int w, int k, int kernel, int pad) {
        int oh = ConvGeometry.outputSize(h, kernel, 1, pad, 1);
        int ow = ConvGeometry.outputSize(w, kernel, 1, pad, 1);
        return new ConvGeometry(n, c, h, w, k, kernel, kernel, 1, 1, pad, pad, 1, 1, oh, ow);
    }

    static Stream<Arguments> geometries() {
        List<Arguments> cases = List.of(
                Arguments.of("64->64 pad 1 on 8x8, 5 images", conv(5, 64, 8, 8, 64, 3, 1)),
                Arguments.of("64->72 pad 1 on 7x9 (blocks cut at the edges)", conv(3, 64, 7, 9, 72, 3, 1)),
                Arguments.of("72->64 no padding on 9x6", conv(2, 72, 9, 6, 64, 3, 0)),
                Arguments.of("64->64 pad 2 (adjoint padding 0)", conv(2, 64, 5, 5, 64, 3, 2)),
                Arguments.of("64->66 pad 3 (adjoint padding -1)", conv(2, 64, 3, 4, 66, 3, 3)),
                Arguments.of("64->64 padded in width only",
                        new ConvGeometry(2, 64, 6, 7, 64, 3, 3, 1, 1, 0, 1, 1, 1, 4, 7)),
                Arguments.of("64->80 pad 1 on 6x6, 1 image", conv(1, 64, 6, 6, 80, 3, 1)));
        return cases.stream().flatMap(a -> BACKENDS.stream().map(b -> Arguments.of(a.get()[0], a.get()[1], b)));
    }

    @Test
    void theDeepThreeByThreeLayersGoThisWayAndOthersDoNot() {
        assertTrue(WinogradConvolution.applies(conv(64, 256, 8, 8, 512, 3, 1)), "block4.0");
        assertTrue(WinogradConvolution.applies(conv(64, 128, 16, 16, 256, 3, 1)), "block3.0");
        assertFalse(WinogradConvolution.applies(conv(64, 12, 16, 16, 128, 3, 1)), "few input channels");
        assertFalse(WinogradConvolution.applies(conv(64, 128, 16, 16, 128, 5, 2)), "5x5");
        assertFalse(WinogradConvolution.applies(new ConvGeometry(2, 64, 9, 9, 64, 3, 3, 2, 2, 1, 1, 1, 1, 5, 5)),
                "stride 2");
        assertFalse(WinogradConvolution.applies(new ConvGeometry(2, 64, 9, 9, 64, 3, 3, 1, 1, 2, 2, 2, 2, 9, 9)),
                "dilation 2");
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("geometries")
    void forwardAndBothGradientsMatchTheReference(String name, ConvGeometry g, Backend backend) {
        assertTrue(WinogradConvolution.applies(g), name + " must take the Winograd path");
        BackendPair pair = new BackendPair(new ReferenceBackend(), backend, TOLERANCE);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        int xSize = g.batch() * g.inChannels() * g.inH() * g.inW();
        int wSize = g.outChannels() * g.inChannels() * g.kH() * g.kW();
        int ySize = g.batch() * g.outChannels() * g.outH() * g.outW();
        Twin x = pair.upload(uniform(r, xSize));
        Twin w = pair.upload(uniform(r, wSize));
        Twin bias = pair.upload(uniform(r, g.outChannels()));
        Twin gy = pair.upload(uniform(r, ySize));

        Twin y = pair.filled(ySize, Float.NaN);
        pair.run((b, s) -> b.conv2d(s.of(x), s.of(w), s.of(bias), s.of(y), g));
        pair.assertClose("conv2d " + name, y);

        Twin gx = pair.filled(xSize, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardInput(s.of(gy), s.of(w), s.of(gx), g));
        pair.assertClose("conv2dBackwardInput " + name, gx);

        Twin gw = pair.filled(wSize, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardWeight(s.of(x), s.of(gy), s.of(gw), g));
        pair.assertClose("conv2dBackwardWeight " + name, gw);
    }

    @Test
    void repeatedCallsGiveTheSameBits() {
        ConvGeometry g = conv(8, 64, 8, 8, 96, 3, 1);
        Backend cpu = new CpuBackend(2, VectorWidth.AUTO);
        SplittableRandom r = new SplittableRandom(7);
        var x = cpu.upload(uniform(r, g.batch() * g.inChannels() * g.inH() * g.inW()));
        var w = cpu.upload(uniform(r, g.outChannels() * g.inChannels() * g.kH() * g.kW()));
        var gy = cpu.upload(uniform(r, g.batch() * g.outChannels() * g.outH() * g.outW()));
        float[][] runs = new float[3][];
        for (int i = 0; i < runs.length; i++) {
            var y = cpu.allocate(g.batch() * g.outChannels() * g.outH() * g.outW());
            var gx = cpu.allocate(g.batch() * g.inChannels() * g.inH() * g.inW());
            var gw = cpu.allocate(g.outChannels() * g.inChannels() * g.kH() * g.kW());
            cpu.conv2d(x, w, null, y, g);
            cpu.conv2dBackwardInput(gy, w, gx, g);
            cpu.conv2dBackwardWeight(x, gy, gw, g);
            runs[i] = concat(read(cpu, y), read(cpu, gx), read(cpu, gw));
        }
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(runs[0], runs[2]);
    }

    private static float[] read(Backend be, org.siftfunnel.engine.backend.DeviceBuffer b) {
        float[] v = new float[b.size()];
        be.download(b, 0, v, 0, v.length);
        return v;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static float[] uniform(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }
}
