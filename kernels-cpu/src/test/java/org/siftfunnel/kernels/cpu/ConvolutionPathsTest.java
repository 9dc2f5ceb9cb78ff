package org.siftfunnel.kernels.cpu;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The convolution code paths of the cpu backend against the reference, on the layer shapes
 * of the paper's models: one image at a time with a threaded GEMM, whole images per thread,
 * the 1×1 shortcut, groups of images sharing one GEMM (column limits that make groups of
 * uneven sizes, 1×1 convolutions on small planes through copies), the direct path of
 * convolutions with few output channels (attention gates), and im2col in pixel tiles (a
 * tile limit far below the image forces tiles that start and end mid-row), on 1, 2, 3 and 16
 * threads and with every part of a 5-way split on one thread. Every output is pre-filled with
 * NaN, so an element a path forgets to write fails.
 */
class ConvolutionPathsTest {

    private static final double TOLERANCE = 1e-5;

    /** Backends covering every path: threads × tiling. */
    private static final List<Backend> BACKENDS = List.of(
            new CpuBackend(1, VectorWidth.AUTO),
            new CpuBackend(2, VectorWidth.AUTO),
            new CpuBackend(2, VectorWidth.AUTO, 300),
            new CpuBackend(2, VectorWidth.AUTO, 5000),
            new CpuBackend(1, VectorWidth.AUTO, 20000),
            new CpuBackend(1, VectorWidth.SCALAR, 1000),
            // Odd and high thread counts (uneven splits; one thread of the team may run several parts),
            // and every part of a 5-way split on one thread.
            new CpuBackend(3, VectorWidth.AUTO),
            new CpuBackend(16, VectorWidth.AUTO),
            new CpuBackend(5, VectorWidth.AUTO, Convolution.DEFAULT_MAX_COLUMN_FLOATS, Parallel.Schedule.ONE_THREAD));

    private static ConvGeometry conv(int n, int c, int h, int w, int k, int kernel, int stride, int pad, int dilation) {
        int oh = ConvGeometry.outputSize(h, kernel, stride, pad, dilation);
        int ow = ConvGeometry.outputSize(w, kernel, stride, pad, dilation);
        return new ConvGeometry(n, c, h, w, k, kernel, kernel, stride, stride, pad, pad, dilation, dilation, oh, ow);
    }

    /** The geometry a transposed convolution (weight [cin, cout, k, k]) runs its kernels with. */
    private static ConvGeometry transposed(int n, int cin, int h, int w, int cout, int kernel, int stride, int pad,
                                           int outputPadding) {
        int oh = (h - 1) * stride - 2 * pad + kernel + outputPadding;
        int ow = (w - 1) * stride - 2 * pad + kernel + outputPadding;
        return new ConvGeometry(n, cout, oh, ow, cin, kernel, kernel, stride, stride, pad, pad, 1, 1, h, w);
    }

    static Stream<Arguments> geometries() {
        List<Arguments> cases = List.of(
                Arguments.of("1x1 pointwise, 8 images", conv(8, 32, 16, 16, 24, 1, 1, 0, 1)),
                Arguments.of("1x1 pointwise, 1 image", conv(1, 48, 9, 7, 40, 1, 1, 0, 1)),
                Arguments.of("1x1 stride 2", conv(4, 16, 15, 15, 8, 1, 2, 0, 1)),
                Arguments.of("3x3 pad 1, 4 images", conv(4, 16, 16, 16, 16, 3, 1, 1, 1)),
                Arguments.of("3x3 pad 1, 3 images (uneven split)", conv(3, 8, 17, 13, 12, 3, 1, 1, 1)),
                Arguments.of("3x3 stride 2 pad 1", conv(4, 12, 17, 17, 20, 3, 2, 1, 1)),
                Arguments.of("3x3 dilation 2 pad 2", conv(2, 8, 15, 19, 8, 3, 1, 2, 2)),
                Arguments.of("5x5 pad 2", conv(2, 6, 14, 14, 10, 5, 1, 2, 1)),
                Arguments.of("7x7 stride 2 pad 3", conv(2, 3, 32, 32, 8, 7, 2, 3, 1)),
                Arguments.of("7x7 pad 3, 1 image", conv(1, 4, 23, 17, 6, 7, 1, 3, 1)),
                Arguments.of("convT 4x4 stride 2 pad 1 (decoder)", transposed(4, 16, 8, 8, 8, 4, 2, 1, 0)),
                Arguments.of("convT 4x4 stride 2 pad 1, 1 image", transposed(1, 32, 4, 4, 16, 4, 2, 1, 0)),
                Arguments.of("convT 3x3 stride 2 output padding 1", transposed(2, 6, 7, 5, 4, 3, 2, 1, 1)),
                Arguments.of("3x3 pad 1, 10 images of 6x5 (uneven groups)", conv(10, 8, 6, 5, 12, 3, 1, 1, 1)),
                Arguments.of("1x1 pointwise on 4x4 planes, 12 images (grouped copies)", conv(12, 20, 4, 4, 9, 1, 1, 0, 1)),
                Arguments.of("1x1 pointwise on 1x1 planes, 7 images", conv(7, 12, 1, 1, 3, 1, 1, 0, 1)),
                Arguments.of("attention gate 2->1 7x7 pad 3, 9 images", conv(9, 2, 13, 6, 1, 7, 1, 3, 1)),
                Arguments.of("first layer 1->64 3x3 pad 1, 6 images", conv(6, 1, 12, 12, 64, 3, 1, 1, 1)),
                Arguments.of("deep layer 64->96 3x3 pad 1 on 4x4, 16 images", conv(16, 64, 4, 4, 96, 3, 1, 1, 1)),
                Arguments.of("3x3 stride 2 on 9x9, 11 images", conv(11, 5, 9, 9, 7, 3, 2, 1, 1)),
                Arguments.of("convT 4x4 stride 2 pad 1, 10 images", transposed(10, 8, 5, 5, 6, 4, 2, 1, 0)),
                Arguments.of("3x3 padded in width only (outH < inH, outW = inW)",
                        new ConvGeometry(3, 4, 6, 7, 5, 3, 3, 1, 1, 0, 1, 1, 1, 4, 7)),
                Arguments.of("5x5 pad 1 on 8x8 (taps wholly outside some rows)", conv(6, 3, 8, 8, 6, 5, 1, 1, 1)),
                Arguments.of("direct 5->3 3x3 no padding", conv(3, 5, 9, 11, 3, 3, 1, 0, 1)),
                Arguments.of("direct 3->4 5x5 pad 2, 8 images", conv(8, 3, 10, 7, 4, 5, 1, 2, 1)),
                Arguments.of("direct 2->1 7x7 pad 3 on a 4x4 image", conv(2, 2, 4, 4, 1, 7, 1, 3, 1)),
                Arguments.of("direct 6->2 1x1", conv(5, 6, 6, 9, 2, 1, 1, 0, 1)),
                Arguments.of("direct 2->1 7x7 pad 3, 64 images of 16x8", conv(64, 2, 16, 8, 1, 7, 1, 3, 1)),
                Arguments.of("3x3 pad 1, 50 images of 8x8 (split over 16 threads)", conv(50, 20, 8, 8, 24, 3, 1, 1, 1)),
                Arguments.of("1x1 on 16x16, 48 images (pointwise split over 16 threads)", conv(48, 24, 16, 16, 16, 1, 1, 0, 1)),
                Arguments.of("convT 4x4 stride 2 pad 1, 34 images", transposed(34, 24, 4, 4, 12, 4, 2, 1, 0)));
        return cases.stream().flatMap(a -> BACKENDS.stream().map(b -> Arguments.of(a.get()[0], a.get()[1], b)));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("geometries")
    void forwardAndBothGradientsMatchTheReference(String name, ConvGeometry g, Backend backend) {
        ConvolutionChecks.assertMatchesReference(name, g, backend, TOLERANCE);
    }
}
