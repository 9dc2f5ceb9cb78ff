package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * {@link ArrayKernels#maxPool2x2Row} at 512, 256 and 128 bits gives the scalar kernel's bits,
 * outputs and switches alike, and the scalar kernel follows the reference's rules (checked here
 * against a plain transcription of the general pooling loop). Rows are shorter than, as long as
 * and longer than every vector; values are drawn from a small set so that ties are everywhere,
 * with −0 next to +0, infinities and NaNs; only [from, to) may be written.
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
        int inW = 2 * outW + 3; // a row longer than the windows need: the extra columns are never read
        int r0 = 5;
        float[] x = new float[r0 + 2 * inW + 7];
        float[] pool = {-1f, 0f, -0f, 0.5f, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < x.length; i++) {
            x[i] = withNaN && r.nextInt(40) == 0 ? Float.NaN : pool[r.nextInt(pool.length)];
        }
        int o = 3;
        int base = 1000;
        for (int[] range : new int[][] {{0, outW}, {outW / 3, outW - outW / 4}}) {
            for (boolean switches : new boolean[] {true, false}) {
                float[] y = filled(o + outW + 4);
                float[] s = switches ? filled(o + outW + 4) : null;
                float[] yScalar = filled(o + outW + 4);
                float[] sScalar = switches ? filled(o + outW + 4) : null;
                k.maxPool2x2Row(x, r0, inW, y, o, s, base, range[0], range[1]);
                scalar.maxPool2x2Row(x, r0, inW, yScalar, o, sScalar, base, range[0], range[1]);
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.floatToRawIntBits(yScalar[i]), Float.floatToRawIntBits(y[i]), "y[" + i + "]");
                    if (switches) {
                        assertEquals(Float.floatToRawIntBits(sScalar[i]), Float.floatToRawIntBits(s[i]), "switch[" + i + "]");
                    }
                    boolean inside = i >= o + range[0] && i < o + range[1];
                    if (!inside) {
                        assertEquals(SENTINEL, y[i], "y[" + i + "] lies outside [from, to) and must stay untouched");
                        continue;
                    }
                    int ox = i - o;
                    int where = winner(x, r0, inW, 2 * ox);
                    assertEquals(Float.floatToRawIntBits(x[r0 + 2 * ox + where]), Float.floatToRawIntBits(y[i]), "value of output " + ox);
                    if (switches) {
                        assertEquals((float) (base + 2 * ox + where), s[i], "switch of output " + ox);
                    }
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
