package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * {@link TiledDirectConvolution} against the reference at every SIMD width (each has its own
 * lane count, so its own split of rows into whole and partial positions) and the scalar
 * kernels, on 1 and 2 threads (and, at the hardware's width, 3 and 16 threads and every part of
 * a 5-way split on one thread): the SiftFunnel mixing layers, several channel blocks, rows
 * narrower than a vector, rows with a partial last vector, padding larger than k − 1 (a
 * negative padding of the adjoint), padding in one direction only, and an odd number of
 * positions. Outputs are pre-filled with NaN so that an element left unwritten fails.
 */
class TiledDirectConvolutionTest {

    private static final double TOLERANCE = 1e-5;

    private static final List<Backend> BACKENDS = ConvolutionChecks.everyWidthAndThreadSetting();

    private static ConvGeometry conv(int n, int c, int h, int w, int k, int kernel, int pad) {
        int oh = ConvGeometry.outputSize(h, kernel, 1, pad, 1);
        int ow = ConvGeometry.outputSize(w, kernel, 1, pad, 1);
        return new ConvGeometry(n, c, h, w, k, kernel, kernel, 1, 1, pad, pad, 1, 1, oh, ow);
    }

    static Stream<Arguments> geometries() {
        List<Arguments> cases = List.of(
                Arguments.of("12->12 3x3 pad 1 on 16x16, 5 images", conv(5, 12, 16, 16, 12, 3, 1)),
                Arguments.of("12->12 5x5 pad 2 on 16x16, 4 images", conv(4, 12, 16, 16, 12, 5, 2)),
                Arguments.of("16->13 3x3 pad 1 on 13x11 (two channel blocks each way)", conv(3, 16, 13, 11, 13, 3, 1)),
                Arguments.of("8->9 3x3 no padding on 10x20 (rows of 18)", conv(2, 8, 10, 20, 9, 3, 0)),
                Arguments.of("5->7 3x3 pad 3 (adjoint padding negative)", conv(2, 5, 6, 9, 7, 3, 3)),
                Arguments.of("3->6 7x7 pad 3 on 1x33 (one row)", conv(3, 3, 1, 33, 6, 7, 3)),
                Arguments.of("6->8 3x3 padded in width only",
                        new ConvGeometry(3, 6, 6, 7, 8, 3, 3, 1, 1, 0, 1, 1, 1, 4, 7)),
                Arguments.of("12->16 5x3 pad (2, 1) on 5x5, 19 images",
                        new ConvGeometry(19, 12, 5, 5, 16, 5, 3, 1, 1, 2, 1, 1, 1, 5, 5)));
        return ConvolutionChecks.onEachBackend(cases, BACKENDS);
    }

    @Test
    void theMixingLayersGoThisWayAndOthersDoNot() {
        assertTrue(TiledDirectConvolution.applies(conv(64, 12, 16, 16, 12, 3, 1)));
        assertTrue(TiledDirectConvolution.applies(conv(64, 12, 16, 16, 12, 5, 2)));
        assertFalse(TiledDirectConvolution.applies(conv(64, 12, 16, 16, 12, 1, 0)), "1x1 has its own path");
        assertFalse(TiledDirectConvolution.applies(conv(64, 2, 16, 16, 1, 7, 3)), "gates are DirectConvolution's");
        assertFalse(TiledDirectConvolution.applies(conv(64, 12, 16, 16, 128, 3, 1)), "wide layers are GEMMs");
        assertFalse(TiledDirectConvolution.applies(new ConvGeometry(2, 12, 9, 9, 12, 3, 3, 2, 2, 1, 1, 1, 1, 5, 5)),
                "stride 2");
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("geometries")
    void forwardAndBothGradientsMatchTheReference(String name, ConvGeometry g, Backend backend) {
        assertTrue(TiledDirectConvolution.applies(g), name + " must take the tiled path");
        ConvolutionChecks.assertMatchesReference(name, g, backend, TOLERANCE);
    }

    @Test
    void repeatedCallsGiveTheSameBits() {
        ConvGeometry g = conv(64, 12, 16, 16, 12, 5, 2);
        ConvolutionChecks.assertRepeatable(g, new CpuBackend(2, VectorWidth.AUTO));
    }

    /**
     * The weight-gradient kernel with fewer lanes than a vector (the backend pads rows to whole
     * vectors, so only this test reaches that branch): the sums match a plain loop, and the lanes
     * from {@code lanes} on are left as they were.
     */
    @Test
    void weightTileWithPartialLanesMatchesAPlainLoop() {
        for (VectorWidth width : List.of(VectorWidth.BITS_512, VectorWidth.BITS_256, VectorWidth.BITS_128, VectorWidth.SCALAR)) {
            ArrayKernels k = SimdSupport.kernelsFor(width);
            int l = k.convLanes();
            int lanes = l - 1;
            int ch = ArrayKernels.CONV_WEIGHT_CHANNELS;
            int tp = ArrayKernels.CONV_WEIGHT_TAPS;
            SplittableRandom r = new SplittableRandom(l);
            float[] gy = ConvolutionChecks.uniform(r, 2 * 300);
            float[] x = ConvolutionChecks.uniform(r, 2 * 300);
            int[] chan = {0, 40, 80, 120};
            int[] tapOff = {0, 1, 2, 17, 18, 19};
            int[] pos = {3, 5, 60, 70, 90, 33};
            float[] acc = ConvolutionChecks.uniform(r, ch * tp * l);
            float[] want = acc.clone();
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < 3; p++) {
                    for (int j = 0; j < ch; j++) {
                        for (int t = 0; t < tp; t++) {
                            for (int e = 0; e < lanes; e++) {
                                want[(j * tp + t) * l + e] += gy[b * 300 + pos[2 * p] + chan[j] + e]
                                        * x[1 + b * 300 + pos[2 * p + 1] + tapOff[1 + t] + e];
                            }
                        }
                    }
                }
            }
            k.convWeightTile(2, gy, 0, 300, chan, 0, x, 1, 300, tapOff, 1, pos, 3, lanes, acc, 0);
            for (int i = 0; i < acc.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(want[i], acc[i], 1e-4f, width + " element " + i);
            }
        }
    }
}
