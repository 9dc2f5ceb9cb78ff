package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The Winograd F(2×2, 3×3) tile transforms of {@link ArrayKernels} at 512, 256 and 128 bits and
 * scalar: each against the matrix definition (Bᵀ·d·B, Aᵀ·M·A, A·g·Aᵀ, evaluated in double), and
 * every width bit for bit against the scalar kernels. Tile counts cover a single tile, counts
 * below, at and just past every vector length (the scalar tail), and many vectors; operands
 * sit at odd offsets and strides, and the floats around the output must stay untouched.
 */
class WinogradTransformsTest {

    /** Bᵀ, G-free: the input transform's matrix, rows of Bᵀ. */
    private static final double[][] BT = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
    /** Aᵀ: the output transform's 2×4 matrix. */
    private static final double[][] AT = {{1, 1, 1, 0}, {0, 1, -1, -1}};

    private static final float SENTINEL = -12345.5f;

    static Stream<Arguments> cases() {
        return Stream.of(VectorWidth.BITS_512, VectorWidth.BITS_256, VectorWidth.BITS_128, VectorWidth.SCALAR)
                .flatMap(w -> Stream.of(1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100)
                        .map(tiles -> Arguments.of(w, tiles)));
    }

    @ParameterizedTest(name = "{0}, {1} tiles")
    @MethodSource("cases")
    void inputTransformIsBTransposedDB(VectorWidth width, int tiles) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        SplittableRandom r = new SplittableRandom(tiles * 31L + width.ordinal());
        int rowShift = tiles + 3;
        int dStride = tiles + rowShift + 5;
        int dOff = 2;
        float[] d = ConvolutionChecks.uniform(r, dOff + 8 * dStride);
        int vStride = tiles + 6;
        int vOff = 3;
        float[] v = filled(vOff + 16 * vStride + 4);
        k.winogradInput(d, dOff, dStride, rowShift, tiles, v, vOff, vStride);
        for (int t = 0; t < tiles; t++) {
            double[][] tile = new double[4][4];
            for (int row = 0; row < 4; row++) {
                for (int col = 0; col < 4; col++) {
                    int quarter = ((col / 2) * 2 + row % 2) * 2 + col % 2;
                    tile[row][col] = d[dOff + quarter * dStride + (row / 2) * rowShift + t];
                }
            }
            double[][] expected = multiply(multiply(BT, tile), transpose(BT));
            for (int xi = 0; xi < 16; xi++) {
                assertEquals(expected[xi / 4][xi % 4], v[vOff + xi * vStride + t], 1e-6, "tile " + t + ", position " + xi);
            }
        }
        assertUntouched(v, vOff, vStride, 16, tiles);
        float[] scalar = filled(v.length);
        new ScalarArrayKernels().winogradInput(d, dOff, dStride, rowShift, tiles, scalar, vOff, vStride);
        assertArrayEquals(scalar, v, "the same bits as the scalar kernels");
    }

    @ParameterizedTest(name = "{0}, {1} tiles")
    @MethodSource("cases")
    void outputTransformIsATransposedMA(VectorWidth width, int tiles) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        SplittableRandom r = new SplittableRandom(tiles * 37L + width.ordinal());
        int mStride = tiles + 5;
        int mOff = 1;
        float[] m = ConvolutionChecks.uniform(r, mOff + 16 * mStride);
        int yStride = tiles + 2;
        int yOff = 5;
        float[] y = filled(yOff + 4 * yStride + 3);
        k.winogradOutput(m, mOff, mStride, tiles, y, yOff, yStride);
        for (int t = 0; t < tiles; t++) {
            double[][] tile = new double[4][4];
            for (int xi = 0; xi < 16; xi++) {
                tile[xi / 4][xi % 4] = m[mOff + xi * mStride + t];
            }
            double[][] expected = multiply(multiply(AT, tile), transpose(AT));
            for (int b = 0; b < 4; b++) {
                assertEquals(expected[b / 2][b % 2], y[yOff + b * yStride + t], 1e-6, "tile " + t + ", entry " + b);
            }
        }
        assertUntouched(y, yOff, yStride, 4, tiles);
        float[] scalar = filled(y.length);
        new ScalarArrayKernels().winogradOutput(m, mOff, mStride, tiles, scalar, yOff, yStride);
        assertArrayEquals(scalar, y, "the same bits as the scalar kernels");
    }

    @ParameterizedTest(name = "{0}, {1} tiles")
    @MethodSource("cases")
    void gradientTransformIsAGATransposed(VectorWidth width, int tiles) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        SplittableRandom r = new SplittableRandom(tiles * 41L + width.ordinal());
        int gStride = tiles + 1;
        int gOff = 4;
        float[] g = ConvolutionChecks.uniform(r, gOff + 4 * gStride);
        int eStride = tiles + 7;
        int eOff = 2;
        float[] e = filled(eOff + 16 * eStride + 5);
        k.winogradGradient(g, gOff, gStride, tiles, e, eOff, eStride);
        double[][] a = transpose(AT);
        for (int t = 0; t < tiles; t++) {
            double[][] block = new double[2][2];
            for (int b = 0; b < 4; b++) {
                block[b / 2][b % 2] = g[gOff + b * gStride + t];
            }
            double[][] expected = multiply(multiply(a, block), AT);
            for (int xi = 0; xi < 16; xi++) {
                assertEquals(expected[xi / 4][xi % 4], e[eOff + xi * eStride + t], 1e-6, "tile " + t + ", position " + xi);
            }
        }
        assertUntouched(e, eOff, eStride, 16, tiles);
        float[] scalar = filled(e.length);
        new ScalarArrayKernels().winogradGradient(g, gOff, gStride, tiles, scalar, eOff, eStride);
        assertArrayEquals(scalar, e, "the same bits as the scalar kernels");
    }

    /** Everything outside the {@code rows} written runs of {@code tiles} floats still holds the sentinel. */
    private static void assertUntouched(float[] out, int off, int stride, int rows, int tiles) {
        for (int i = 0; i < out.length; i++) {
            int rel = i - off;
            boolean written = rel >= 0 && rel / stride < rows && rel % stride < tiles;
            if (!written) {
                assertEquals(SENTINEL, out[i], "float " + i + " lies outside the output and must not change");
            }
        }
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, SENTINEL);
        return a;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
