package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;
import org.siftfunnel.kernels.cpu.threads.TeamAllocation;
import org.siftfunnel.kernels.cpu.threads.WorkerTeam;

/**
 * A warm convolution allocates nothing once its scratch buffers have grown, on one thread and
 * split over two: every path (grouped and pixel-tiled im2col, the 1×1 path straight on the
 * input, the direct, tiled direct and Winograd kernels, and im2col split over channels for a
 * single image), forward and both gradients. Per-geometry tables come from caches, per-part
 * sums from the caller's workspace, a split's operands from per-thread objects, and the team
 * hands out parts without allocating; the count includes the team's worker threads, and the
 * two-thread cases check that the team really ran their calls.
 *
 * <p>Run on the scalar kernels: the Vector API boxes every vector until C2 has compiled a loop,
 * so with SIMD the figure depends on the JIT (JMH's {@code -prof gc} measures that case after a
 * warm-up); plain Java code allocates only what it asks for, compiled or not.
 */
class ConvolutionAllocationTest {

    private static ConvGeometry conv(int n, int c, int h, int w, int k, int kernel, int stride, int pad) {
        int oh = ConvGeometry.outputSize(h, kernel, stride, pad, 1);
        int ow = ConvGeometry.outputSize(w, kernel, stride, pad, 1);
        return new ConvGeometry(n, c, h, w, k, kernel, kernel, stride, stride, pad, pad, 1, 1, oh, ow);
    }

    static Stream<Arguments> paths() {
        CpuBackend plain = new CpuBackend(1, VectorWidth.SCALAR);
        // A column limit small enough that one image's im2col matrix is built in pixel tiles.
        CpuBackend pixelTiles = new CpuBackend(1, VectorWidth.SCALAR, 2000);
        CpuBackend two = new CpuBackend(2, VectorWidth.SCALAR);
        CpuBackend twoPixelTiles = new CpuBackend(2, VectorWidth.SCALAR, 2000);
        // On two threads the geometries are large enough to be split (2^18 multiply-adds and more).
        return Stream.of(
                Arguments.of("im2col, groups of images (stride 2)", conv(4, 3, 9, 9, 24, 3, 2, 1), plain),
                Arguments.of("im2col in pixel tiles", conv(2, 8, 16, 16, 24, 3, 1, 1), pixelTiles),
                Arguments.of("1x1 straight on the input", conv(2, 32, 16, 16, 24, 1, 1, 0), plain),
                Arguments.of("direct (one output channel, 7x7)", conv(2, 2, 12, 12, 1, 7, 1, 3), plain),
                Arguments.of("tiled direct (12 -> 12, 5x5)", conv(2, 12, 10, 10, 12, 5, 1, 2), plain),
                Arguments.of("Winograd (64 -> 64, 3x3)", conv(2, 64, 6, 6, 64, 3, 1, 1), plain),
                Arguments.of("2 threads: im2col, images split (stride 2)", conv(4, 3, 21, 21, 24, 3, 2, 1), two),
                Arguments.of("2 threads: im2col in pixel tiles", conv(2, 8, 16, 16, 24, 3, 1, 1), twoPixelTiles),
                Arguments.of("2 threads: 1x1 straight on the input", conv(2, 32, 16, 16, 24, 1, 1, 0), two),
                Arguments.of("2 threads: direct (one output channel, 7x7)", conv(2, 2, 40, 40, 1, 7, 1, 3), two),
                Arguments.of("2 threads: tiled direct (12 -> 12, 5x5)", conv(2, 12, 10, 10, 12, 5, 1, 2), two),
                Arguments.of("2 threads: Winograd (64 -> 64, 3x3)", conv(2, 64, 6, 6, 64, 3, 1, 1), two),
                Arguments.of("2 threads: one image, im2col split over channels", conv(1, 32, 32, 32, 32, 3, 2, 1), two));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void aWarmCallAllocatesNothing(String name, ConvGeometry g, CpuBackend backend) {
        TeamAllocation.assumeCountable();
        SplittableRandom r = new SplittableRandom(3);
        int xs = g.batch() * g.inChannels() * g.inH() * g.inW();
        int ws = g.outChannels() * g.inChannels() * g.kH() * g.kW();
        int ys = g.batch() * g.outChannels() * g.outH() * g.outW();
        DeviceBuffer x = backend.upload(ConvolutionChecks.uniform(r, xs));
        DeviceBuffer w = backend.upload(ConvolutionChecks.uniform(r, ws));
        DeviceBuffer bias = backend.upload(ConvolutionChecks.uniform(r, g.outChannels()));
        DeviceBuffer gy = backend.upload(ConvolutionChecks.uniform(r, ys));
        DeviceBuffer y = backend.allocate(ys);
        DeviceBuffer gx = backend.allocate(xs);
        DeviceBuffer gw = backend.allocate(ws);
        Runnable call = () -> forwardAndBackward(backend, g, x, w, bias, y, gy, gx, gw);
        // The first calls grow the scratch buffers (on every thread) and fill the caches.
        for (int i = 0; i < 3; i++) {
            call.run();
        }
        int threads = backend.threads();
        long splitBefore = threads > 1 ? WorkerTeam.of(threads).splitCalls() : 0;
        long bytes = TeamAllocation.leastBytes(Math.max(2, threads), 4, 3, call);
        assertEquals(0, bytes, name + ": bytes allocated by 3 warm forward + backward calls (least of 4 rounds)");
        if (threads > 1) {
            assertTrue(WorkerTeam.of(threads).splitCalls() > splitBefore, name + ": the work was never split");
        }
    }
    private static void forwardAndBackward(CpuBackend backend, ConvGeometry g, DeviceBuffer x, DeviceBuffer w,
                                           DeviceBuffer bias, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                                           DeviceBuffer gw) {
        backend.conv2d(x, w, bias, y, g);
        backend.conv2dBackwardInput(gy, w, gx, g);
        backend.conv2dBackwardWeight(x, gy, gw, g);
    }
}
