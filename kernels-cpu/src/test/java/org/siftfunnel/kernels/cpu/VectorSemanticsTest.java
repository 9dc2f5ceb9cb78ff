package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.ScalarMath;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The SIMD element kernels against {@link ScalarMath}, element by element, on the values where
 * vector code most easily goes wrong: NaN, ±∞, ±0, subnormals, huge magnitudes and the branch
 * points of each function. Functions built from exact IEEE operations (negation, abs,
 * division, square root, comparisons, max/min, clamps, ReLU...) must give exactly the scalar
 * values (NaN where NaN, ±0 counting as equal); exponentials, logarithms and tanh must agree to
 * 2e-6 relative (or 1e-37 absolute, in the subnormal range). Inputs are long enough for whole
 * vectors and a scalar tail at every width.
 */
class VectorSemanticsTest {

    private static final double RELATIVE = 2e-6;
    private static final double ABSOLUTE = 1e-37;

    private static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f, 0.5f, -0.5f, 2f, -2f,
        1e-30f, -1e-30f, 1e30f, -1e30f, 20f, -20f, 21f, 40f, -40f, 80f, -80f, 100f, -100f, Float.MIN_VALUE,
        -Float.MIN_VALUE, 3e-39f, -0.75f, 0.75f, 1.5f, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-7f, -1e-7f};

    /** Ops whose vector form uses only exactly rounded operations. */
    private static final Set<UnaryOp> EXACT = EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQUARE, UnaryOp.RECIPROCAL,
            UnaryOp.SQRT, UnaryOp.SIGN, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.CLAMP, UnaryOp.POW);

    static Stream<VectorWidth> widths() {
        return Stream.of(VectorWidth.BITS_128, VectorWidth.BITS_256, VectorWidth.BITS_512, VectorWidth.SCALAR);
    }

    /** Every op with parameters that reach each of its branches. */
    static Stream<Arguments> unaryCases() {
        List<Arguments> list = new ArrayList<>();
        for (VectorWidth w : widths().toList()) {
            for (UnaryOp op : UnaryOp.values()) {
                for (float[] p : parameters(op)) {
                    list.add(Arguments.of(w, op, p[0], p[1]));
                }
            }
        }
        return list.stream();
    }

    private static List<float[]> parameters(UnaryOp op) {
        return switch (op) {
            case LEAKY_RELU -> List.of(new float[] {0.01f, 0}, new float[] {0.2f, 0});
            case SOFTPLUS -> List.of(new float[] {1f, 20f}, new float[] {2f, 1f}, new float[] {0.5f, 30f});
            case ELU -> List.of(new float[] {1f, 0}, new float[] {1.3f, 0});
            case CLAMP -> List.of(new float[] {-0.5f, 0.75f}, new float[] {0f, 1f}, new float[] {1f, -1f});
            case POW -> List.of(new float[] {2f, 0}, new float[] {1f, 0}, new float[] {0f, 0}, new float[] {3f, 0},
                    new float[] {-1.5f, 0}, new float[] {0.5f, 0});
            default -> List.<float[]>of(new float[] {0, 0});
        };
    }

    /** Specials spread over vector lanes and the tail, between random values of several scales. */
    private static float[] input(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double scale = switch (i % 3) {
                case 0 -> 1;
                case 1 -> 10;
                default -> 100;
            };
            x[i] = (float) r.nextDouble(-scale, scale);
        }
        for (int i = 0; i < SPECIALS.length; i++) {
            x[(i * 37) % (n - 3)] = SPECIALS[i];
        }
        // The last elements land in the scalar tail at every width.
        x[n - 1] = Float.NaN;
        x[n - 2] = -0f;
        return x;
    }

    @ParameterizedTest(name = "{1}({2}, {3}) at {0}")
    @MethodSource("unaryCases")
    void unaryMatchesScalarMath(VectorWidth width, UnaryOp op, float p0, float p1) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        int n = 211;
        float[] x = input(op.ordinal() * 31L + 7, n);
        float[] out = new float[n];
        k.unary(op, x, out, 0, n, p0, p1);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = ScalarMath.unary(op, x[i], p0, p1);
        }
        check(op + " at " + width, x, want, out, EXACT.contains(op) || width == VectorWidth.SCALAR);

        // In place, from an offset that is not a multiple of the vector length.
        float[] inPlace = x.clone();
        k.unary(op, inPlace, inPlace, 5, n, p0, p1);
        for (int i = 0; i < 5; i++) {
            assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(inPlace[i]), "element before the range changed");
        }
        float[] shiftedWant = want.clone();
        System.arraycopy(x, 0, shiftedWant, 0, 5);
        check(op + " in place from 5 at " + width, x, shiftedWant, inPlace, EXACT.contains(op) || width == VectorWidth.SCALAR);
    }

    @ParameterizedTest(name = "{1}({2}, {3}) at {0}")
    @MethodSource("unaryCases")
    void unaryBackwardMatchesScalarMath(VectorWidth width, UnaryOp op, float p0, float p1) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        int n = 211;
        float[] x = input(op.ordinal() * 17L + 3, n);
        float[] y = new float[n];
        float[] gy = new float[n];
        SplittableRandom r = new SplittableRandom(op.ordinal());
        for (int i = 0; i < n; i++) {
            y[i] = ScalarMath.unary(op, x[i], p0, p1);
            gy[i] = i % 11 == 0 ? 0f : (float) r.nextDouble(-1, 1);
        }
        float[] want = new float[n];
        float[] wantNoY = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = gy[i] * ScalarMath.derivative(op, x[i], y[i], p0, p1);
            wantNoY[i] = gy[i] * ScalarMath.derivative(op, x[i], Float.NaN, p0, p1);
        }
        // Derivatives read from y, or built from exact operations, are exact.
        boolean exact = width == VectorWidth.SCALAR || EXACT.contains(op) || op == UnaryOp.LOG || op == UnaryOp.EXP
                || op == UnaryOp.SIGMOID || op == UnaryOp.TANH;
        float[] gx = new float[n];
        k.unaryBackward(op, x, y, gy, gx, 0, n, p0, p1);
        check(op + "' with y at " + width, x, want, gx, exact);
        boolean exactNoY = width == VectorWidth.SCALAR || EXACT.contains(op) || op == UnaryOp.LOG;
        k.unaryBackward(op, x, null, gy, gx, 0, n, p0, p1);
        if (op == UnaryOp.SIGMOID && width != VectorWidth.SCALAR) {
            // ScalarMath's σ·(1 − σ) inherits the rounding of σ (2^-24 absolute) through the
            // cancellation in 1 − σ; the vector form avoids it, so compare to that accuracy.
            for (int i = 0; i < n; i++) {
                double allowed = RELATIVE * Math.abs(wantNoY[i]) + 0x1p-24 * Math.abs(gy[i]);
                assertTrue(Math.abs(gx[i] - wantNoY[i]) <= allowed || Float.isNaN(x[i]) && Float.isNaN(gx[i]),
                        "SIGMOID' without y at " + width + ": element " + i + " (x = " + x[i] + ") is " + gx[i]
                                + ", ScalarMath gives " + wantNoY[i]);
            }
            return;
        }
        check(op + "' without y at " + width, x, wantNoY, gx, exactNoY);
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("binaryCases")
    void binaryMatchesScalarMathInEveryOperandForm(BinaryOp op, VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        int n = 203;
        float[] a = input(op.ordinal() + 100L, n);
        float[] b = input(op.ordinal() + 200L, n);
        // Equal pairs (ties) for the comparisons and max/min.
        for (int i = 0; i < n; i += 5) {
            b[i] = a[i];
        }
        float[] out = new float[n + 3];
        float[] want = new float[n];
        k.binary(op, a, 0, b, 0, out, 3, n);
        for (int i = 0; i < n; i++) {
            want[i] = ScalarMath.binary(op, a[i], b[i]);
        }
        check(op + "(a, b) at " + width, a, want, java.util.Arrays.copyOfRange(out, 3, n + 3), true);
        for (float s : new float[] {0f, -0f, 1.5f, -2f, Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] got = new float[n];
            k.binaryScalar(op, a, 0, s, false, got, 0, n);
            for (int i = 0; i < n; i++) {
                want[i] = ScalarMath.binary(op, a[i], s);
            }
            check(op + "(a, " + s + ") at " + width, a, want, got, true);
            k.binaryScalar(op, a, 0, s, true, got, 0, n);
            for (int i = 0; i < n; i++) {
                want[i] = ScalarMath.binary(op, s, a[i]);
            }
            check(op + "(" + s + ", a) at " + width, a, want, got, true);
        }
    }

    static Stream<Arguments> binaryCases() {
        return Stream.of(BinaryOp.values()).flatMap(op -> widths().map(w -> Arguments.of(op, w)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widths")
    void extremaPropagateNaNFromLanesAndTails(VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        int n = 101;
        float[] x = input(5, n);
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(x[i])) {
                x[i] = 0f;
            }
        }
        for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
            float clean = k.extremum(op, x, 0, n);
            assertEquals(reference(op, x, 0, n), clean, op + " of finite and infinite values at " + width);
            for (int at : new int[] {0, 7, 63, n - 1}) {
                float[] withNaN = x.clone();
                withNaN[at] = Float.NaN;
                assertTrue(Float.isNaN(k.extremum(op, withNaN, 0, n)), op + " with NaN at " + at + ", width " + width);
            }
            assertEquals(op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY,
                    k.extremum(op, x, 3, 0), op + " of nothing");
        }
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("columnCases")
    void columnReductionsMatchPerColumnLoops(ReduceOp op, VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        // Widths that cover the 4-vector strips, single vectors and a scalar tail at every SIMD width.
        int n = 23;
        int stride = 83;
        int width0 = 81;
        SplittableRandom r = new SplittableRandom(op.ordinal());
        float[] x = new float[n * stride + 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-3, 3) + 1000f;
        }
        x[2 + 5 * stride + 17] = Float.NaN;
        x[2 + 9 * stride + 80] = Float.NaN;
        float[] out = new float[width0 + 1];
        k.reduceColumns(op, x, 2, n, stride, out, 1, width0);
        for (int i = 0; i < width0; i++) {
            float want;
            if (op == ReduceOp.SUM) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += x[2 + j * stride + i];
                }
                want = (float) s;
                if (Float.isNaN(want)) {
                    assertTrue(Float.isNaN(out[1 + i]), "column " + i);
                } else {
                    assertEquals(want, out[1 + i], 2e-7 * Math.abs(want), op + " column " + i + " at " + width);
                }
            } else {
                float[] column = new float[n];
                for (int j = 0; j < n; j++) {
                    column[j] = x[2 + j * stride + i];
                }
                want = reference(op, column, 0, n);
                assertEquals(want, out[1 + i], op + " column " + i + " at " + width);
            }
        }
    }

    static Stream<Arguments> columnCases() {
        return Stream.of(ReduceOp.values()).flatMap(op -> widths().map(w -> Arguments.of(op, w)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widths")
    void sumsAreAsAccurateAsDoubleAccumulation(VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        int n = 100_003;
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[n];
        double exact = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1000 + r.nextDouble(-1, 1));
            exact += x[i];
        }
        double got = k.sum(x, 0, n);
        assertEquals(exact, got, 1e-6 * exact, "sum of 1e5 values near 1000 at " + width);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widths")
    void dotProductsAreAsAccurateAsDoubleAccumulationAtAnyOffset(VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        SplittableRandom r = new SplittableRandom(11);
        float[] a = new float[20_011];
        float[] b = new float[20_011];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (100 + r.nextDouble(-1, 1));
            b[i] = (float) r.nextDouble(0.5, 1.5);
        }
        for (int n : new int[] {0, 1, 7, 16, 33, 20_000}) {
            for (int[] off : new int[][] {{0, 0}, {3, 10}, {11, 1}}) {
                double exact = 0;
                for (int i = 0; i < n; i++) {
                    exact += (double) a[off[0] + i] * b[off[1] + i];
                }
                double got = k.dot(a, off[0], b, off[1], n);
                assertEquals(exact, got, 1e-6 * Math.abs(exact), "dot of " + n + " at offsets " + off[0] + ", " + off[1]
                        + " at " + width);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widths")
    void axpyUpdatesExactlyTheRangeAsked(VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        float[] x = input(5, 150);
        for (int n : new int[] {0, 1, 15, 16, 17, 100}) {
            float[] y = input(6, 150);
            float[] before = y.clone();
            k.axpy(-0.75f, x, 13, y, 29, n);
            for (int i = 0; i < y.length; i++) {
                boolean inside = i >= 29 && i < 29 + n;
                float want = inside ? before[i] + -0.75f * x[i - 29 + 13] : before[i];
                if (Float.isNaN(want) || Float.isInfinite(want)) {
                    assertEquals(want, y[i], "axpy element " + i + " of " + n + " at " + width);
                } else {
                    assertEquals(want, y[i], 1e-6 * Math.max(1, Math.abs(want)), "axpy element " + i + " of " + n
                            + " at " + width);
                }
            }
        }
    }

    @Test
    void scalarWidthGivesTheScalarKernels() {
        assertEquals(0, SimdSupport.kernelsFor(VectorWidth.SCALAR).vectorBits());
        assertEquals(128, SimdSupport.kernelsFor(VectorWidth.BITS_128).vectorBits());
        assertEquals(256, SimdSupport.kernelsFor(VectorWidth.BITS_256).vectorBits());
        assertEquals(512, SimdSupport.kernelsFor(VectorWidth.BITS_512).vectorBits());
        assertTrue(SimdSupport.kernelsFor(VectorWidth.AUTO).vectorBits() >= 128, "this build machine has SIMD");
    }

    @ParameterizedTest
    @EnumSource(value = VectorWidth.class, names = {"BITS_128", "BITS_256", "BITS_512"})
    void eachWidthIsItsOwnClassWithItsOwnSpecies(VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        assertTrue(k.getClass().isHidden(), "vector kernels are hidden classes");
        assertEquals(width.bits(), k.vectorBits());
        assertTrue(k == SimdSupport.kernelsFor(width), "one hidden class per width, defined once");
    }

    private static float reference(ReduceOp op, float[] x, int off, int n) {
        float m = op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            if (Float.isNaN(x[i])) {
                return Float.NaN;
            }
            m = op == ReduceOp.MAX ? Math.max(m, x[i]) : Math.min(m, x[i]);
        }
        return m;
    }

    /** Exact: equal as numbers (±0 alike) or both NaN. Otherwise within RELATIVE / ABSOLUTE. */
    private static void check(String what, float[] x, float[] want, float[] got, boolean exact) {
        for (int i = 0; i < want.length; i++) {
            float w = want[i];
            float g = got[i];
            boolean ok;
            if (Float.isNaN(w) || Float.isNaN(g)) {
                ok = Float.isNaN(w) && Float.isNaN(g);
            } else if (exact || Float.isInfinite(w)) {
                ok = w == g;
            } else {
                ok = Math.abs((double) g - w) <= RELATIVE * Math.abs(w) + ABSOLUTE;
            }
            if (!ok) {
                throw new AssertionError(what + ": element " + i + " (x = " + x[i] + ") is " + g + ", ScalarMath gives " + w);
            }
        }
    }
}
