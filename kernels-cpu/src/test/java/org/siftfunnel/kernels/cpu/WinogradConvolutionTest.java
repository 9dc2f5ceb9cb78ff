package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * {@link WinogradConvolution} (F(2×2, 3×3)) against the reference at every SIMD width and the
 * scalar kernels, on 1, 2, 3 and 16 threads and with every part of a 5-way split on one thread
 * (the weight gradient's per-part sums must not live in per-thread buffers), and with small
 * group budgets (groups of one image,
 * groups of uneven sizes): planes of odd sizes (2×2 output blocks cut at the edge; tile counts
 * that leave a scalar tail after the vectorised transforms), no
 * padding, padding 2 and 3 (the adjoint's padding 0 and −1), padding in one direction only,
 * and a single image on two threads (the threaded GEMM). Outputs are pre-filled with NaN so
 * that an element left unwritten fails.
 */
class WinogradConvolutionTest {

    private static final double TOLERANCE = 1e-5;

    /** Extra group budgets of 4× the column limit: one image per group, and groups of 2 and 3 of 5 images. */
    private static final List<Backend> BACKENDS = ConvolutionChecks.everyWidthAndThreadSetting(
            new CpuBackend(2, VectorWidth.AUTO, 5000), new CpuBackend(1, VectorWidth.AUTO, 40000));

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
                Arguments.of("64->80 pad 1 on 6x6, 1 image", conv(1, 64, 6, 6, 80, 3, 1)),
                Arguments.of("64->64 pad 1 on 4x4, 17 images (16 parts of 1 or 2)", conv(17, 64, 4, 4, 64, 3, 1)),
                Arguments.of("64->64 pad 1 on 17x17 (81 tiles a plane: whole vectors and a tail at every width)",
                        conv(2, 64, 17, 17, 64, 3, 1)),
                Arguments.of("32->16 pad 1 on 9x7, 3 images (the narrow rule)", conv(3, 32, 9, 7, 16, 3, 1)),
                Arguments.of("24->40 pad 1 on 6x6 (the narrow rule)", conv(2, 24, 6, 6, 40, 3, 1)));
        return ConvolutionChecks.onEachBackend(cases, BACKENDS);
    }

    @Test
    void theDeepAndTheNarrowingThreeByThreeLayersGoThisWayAndOthersDoNot() {
        assertTrue(WinogradConvolution.applies(conv(64, 256, 8, 8, 512, 3, 1)), "block4.0");
        assertTrue(WinogradConvolution.applies(conv(64, 128, 16, 16, 256, 3, 1)), "block3.0");
        assertFalse(WinogradConvolution.applies(conv(64, 12, 16, 16, 128, 3, 1)), "few input channels");
        assertTrue(WinogradConvolution.applies(conv(64, 64, 32, 32, 32, 3, 1)), "MINE critic 64 -> 32");
        assertTrue(WinogradConvolution.applies(conv(64, 32, 32, 32, 16, 3, 1)), "MINE critic 32 -> 16");
        assertTrue(WinogradConvolution.applies(conv(64, 32, 32, 32, 64, 3, 1)), "twice as many out");
        assertFalse(WinogradConvolution.applies(conv(64, 24, 16, 16, 128, 3, 1)), "more than twice as many out");
        assertFalse(WinogradConvolution.applies(conv(64, 16, 32, 32, 64, 3, 1)), "16 in");
        assertFalse(WinogradConvolution.applies(conv(64, 64, 32, 32, 12, 3, 1)), "12 out");
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
        ConvolutionChecks.assertMatchesReference(name, g, backend, TOLERANCE);
    }

    @Test
    void repeatedCallsGiveTheSameBits() {
        ConvGeometry g = conv(8, 64, 8, 8, 96, 3, 1);
        ConvolutionChecks.assertRepeatable(g, new CpuBackend(2, VectorWidth.AUTO));
    }

    @Test
    void repeatedCallsOnSixteenThreadsGiveTheSameBits() {
        ConvolutionChecks.assertRepeatable(conv(32, 64, 4, 4, 64, 3, 1), new CpuBackend(16, VectorWidth.AUTO));
    }
}
