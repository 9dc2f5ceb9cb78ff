package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * {@link ArrayKernels#maxPool2x2Rows} at 512, 256 and 128 bits gives the scalar kernel's bits,
 * outputs and switches alike, and the scalar kernel follows the reference's rules (checked here
 * against a transcription of the reference's pooling loop). Rows are shorter than, as long as
 * and longer than every vector; values are drawn from a small set so that ties are everywhere,
 * with −0 next to +0, infinities and NaNs; nothing outside the output rows may be written.
 */
class MaxPoolRowKernelTest {
    private static final float SENTINEL = -12345.5f;

    static Stream<Arguments> cases() {
        return Stream.of(VectorWidth.BITS_512, VectorWidth.BITS_256, VectorWidth.BITS_128, VectorWidth.SCALAR)
                .flatMap(w -> Stream.of(1, 3, 4, 5, 8, 15, 16, 17, 31, 32, 40, 64)
                        .flatMap(outW -> Stream.of(true, false).map(nan -> Arguments.of(w, outW, nan))));
    }

    /**
     * The reference backend's loop over one 2×2 window: rows in order, and in a row a later value
     * wins if it is strictly greater or NaN, a NaN ending its row (not the window: a NaN in the
     * second row still takes over).
     */
    private static int winner(float[] x, int r0, int inW, int i) {
        float best = Float.NEGATIVE_INFINITY;
        int where = -1;
        for (int row = 0; row < 2; row++) {
            for (int col = 0; col < 2; col++) {
                int offset = row * inW + col;
                float v = x[r0 + i + offset];
                if (v > best || where < 0 || Float.isNaN(v)) {
                    best = v;
                    where = offset;
                    if (Float.isNaN(v)) {
                        break;
                    }
                }
            }
        }
        return where;
    }

    @ParameterizedTest(name = "{0}, {1} outputs, NaN {2}")
    @MethodSource("cases")
    void everyWidthGivesTheScalarBitsAndTheReferenceRule(VectorWidth width, int outW, boolean withNaN) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        ArrayKernels scalar = SimdSupport.kernelsFor(VectorWidth.SCALAR);
        SplittableRandom r = new SplittableRandom(outW * 7919L + width.ordinal() * 31L + (withNaN ? 1 : 0));
        int rows = 3;
        int inW = 2 * outW + 3; // rows longer than the windows need: the extra columns are never read
        int r0 = 5;
        float[] x = new float[r0 + 2 * rows * inW + 7];
        float[] pool = {-1f, 0f, -0f, 0.5f, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < x.length; i++) {
            x[i] = withNaN && r.nextInt(40) == 0 ? Float.NaN : pool[r.nextInt(pool.length)];
        }
        int o = 3;
        int base = 1000;
        for (boolean switches : new boolean[] {true, false}) {
            float[] y = filled(o + rows * outW + 4);
            float[] s = switches ? filled(y.length) : null;
            float[] yScalar = filled(y.length);
            float[] sScalar = switches ? filled(y.length) : null;
            k.maxPool2x2Rows(x, r0, inW, rows, y, o, outW, s, base);
            scalar.maxPool2x2Rows(x, r0, inW, rows, yScalar, o, outW, sScalar, base);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToRawIntBits(yScalar[i]), Float.floatToRawIntBits(y[i]), "y[" + i + "]");
                if (switches) {
                    assertEquals(Float.floatToRawIntBits(sScalar[i]), Float.floatToRawIntBits(s[i]), "switch[" + i + "]");
                }
                if (i < o || i >= o + rows * outW) {
                    assertEquals(SENTINEL, y[i], "y[" + i + "] lies outside the output rows and must stay untouched");
                    continue;
                }
                int row = (i - o) / outW;
                int ox = (i - o) % outW;
                int at = 2 * row * inW + 2 * ox;
                int where = winner(x, r0, inW, at);
                assertEquals(Float.floatToRawIntBits(x[r0 + at + where]), Float.floatToRawIntBits(y[i]), "value of output " + (i - o));
                if (switches) {
                    assertEquals((float) (base + at + where), s[i], "switch of output " + (i - o));
                }
            }
        }
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, SENTINEL);
        return a;
    }
}
