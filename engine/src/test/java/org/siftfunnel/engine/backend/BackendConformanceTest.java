package org.siftfunnel.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * The conformance suite every backend must pass: each method of {@link Backend} runs on
 * random inputs and awkward shapes (sizes 1, 15, 17, primes, 31×17×23, batch 1, ...) on the
 * backend under test and on a fresh {@link ReferenceBackend}, and the results must agree.
 *
 * <p>To check a backend, subclass this in that backend's module (the engine's test-jar ships
 * it) and return the backend from {@link #backendUnderTest()}; override {@link #tolerance()}
 * when its arithmetic legitimately differs (float accumulation order, fused multiply-add,
 * approximate transcendental functions). Random fills are compared bit for bit (normal draws
 * within 1e-6) whatever the tolerance.
 *
 * <p>Outputs that the contract says are overwritten are pre-filled with NaN, so a kernel that
 * skips an element, or reads an output it should not (GEMM with beta 0), fails.
 */
public abstract class BackendConformanceTest {

    /** The backend to check; may return the same instance every time. */
    protected abstract Backend backendUnderTest();

    /**
     * Allowed error of an output relative to the reference:
     * {@code max|tested − reference| ≤ tolerance · (1 + max|reference|)}.
     */
    protected double tolerance() {
        return 1e-5;
    }

    private BackendPair pair;

    @BeforeEach
    void pairWithReference() {
        Backend tested = backendUnderTest();
        assertNotNull(tested, "backendUnderTest() returned null");
        pair = new BackendPair(new ReferenceBackend(), tested, tolerance());
    }

    // ================================================================ input data

    private static SplittableRandom random(Object... key) {
        return new SplittableRandom(Arrays.deepHashCode(key) * 0x9E3779B97F4A7C15L + 12345);
    }

    private static float[] uniform(SplittableRandom r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (float) r.nextDouble() * (hi - lo);
        }
        return v;
    }

    /** Quarters in [-2, 2]: many exact ties, for comparisons, max/min and arg-reductions. */
    private static float[] quantized(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(17) - 8) / 4f;
        }
        return v;
    }

    /** Magnitudes in [lo, hi] with random signs. */
    private static float[] awayFromZero(SplittableRandom r, int n, float lo, float hi) {
        float[] v = uniform(r, n, lo, hi);
        for (int i = 0; i < n; i++) {
            if (r.nextBoolean()) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    private static int product(int... dims) {
        int p = 1;
        for (int d : dims) {
            p *= d;
        }
        return p;
    }

    private static int[] contiguousStrides(int... shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    // ================================================================ coverage of the contract

    /** Every method of the contract, and the tests of this class that call it. */
    private static final Set<String> EXERCISED = Set.of(
            "name", "description", "allocate", "upload", "download", "write", "fill", "copy", "copyStrided", "synchronize",
            "unary", "unaryBackward", "binary", "binaryScalar", "reduce", "argReduce", "gemm", "pairwiseSquaredDistances",
            "conv2d", "conv2dBackwardInput", "conv2dBackwardWeight", "maxPool2d", "maxPool2dBackward", "avgPool2d",
            "avgPool2dBackward", "upsample2d", "upsample2dBackward", "softmax", "softmaxBackward", "batchNormForward",
            "batchNormBackward", "gather", "scatterAdd", "randomUniform", "randomNormal", "randomBernoulli", "adamStep", "sgdStep",
            "opTimings");

    @Test
    void theSuiteCoversEveryMethodOfTheContract() {
        Set<String> missing = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            if (!EXERCISED.contains(m.getName())) {
                missing.add(m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "Backend methods without a conformance test: " + missing);
    }

    /**
     * {@link Backend#opTimings()}: absent, or the same recorder every time, which records the
     * kernels called while enabled (under an op name that starts with the method's name) and
     * nothing while disabled. The recorder's switch is restored afterwards.
     */
    @Test
    void opTimingsWhenOfferedRecordTheKernelsCalledWhileEnabled() {
        Backend b = pair.tested();
        Optional<OpTimings> offered = b.opTimings();
        assertNotNull(offered, "opTimings() must return an Optional, not null");
        assertEquals(offered.isPresent(), b.opTimings().isPresent(), "opTimings() must not change its answer");
        if (offered.isEmpty()) {
            return;
        }
        OpTimings t = offered.get();
        assertSame(t, b.opTimings().get(), "the same recorder every time");
        boolean wasEnabled = t.enabled();
        try {
            DeviceBuffer x = b.upload(new float[] {-1f, 2f, -3f});
            float[] back = new float[3];
            t.setEnabled(true);
            t.reset();
            b.unary(UnaryOp.RELU, x, x, 3, 0f, 0f);
            b.download(x, 0, back, 0, 3);
            assertTrue(t.snapshot().stream().anyMatch(e -> e.op().startsWith("unary") && e.calls() >= 1 && e.totalNanos() >= 0),
                    "an enabled recorder must have recorded the unary call:\n" + t.table());
            t.setEnabled(false);
            t.reset();
            b.unary(UnaryOp.RELU, x, x, 3, 0f, 0f);
            b.download(x, 0, back, 0, 3);
            assertTrue(t.snapshot().isEmpty(), "a disabled recorder must record nothing:\n" + t.table());
        } finally {
            t.setEnabled(wasEnabled);
        }
    }

    @Test
    void identifiesItself() {
        Backend b = pair.tested();
        assertNotNull(b.name());
        assertFalse(b.name().isBlank(), "name must not be blank");
        assertNotNull(b.description());
        assertFalse(b.description().isBlank(), "description must not be blank");
    }

    // ================================================================ memory

    @Test
    void allocateGivesZeroFilledBuffersOfThisBackend() {
        Backend b = pair.tested();
        for (int n : new int[] {1, 15, 17, 1031}) {
            DeviceBuffer buf = b.allocate(n);
            assertEquals(n, buf.size(), "size of allocate(" + n + ")");
            assertSame(b, buf.backend(), "allocate must return a buffer of this backend");
            float[] out = new float[n];
            Arrays.fill(out, Float.NaN);
            b.synchronize();
            b.download(buf, 0, out, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(0f, out[i], "allocate(" + n + ") element " + i);
            }
        }
    }

    @Test
    void uploadDownloadWriteWithOffsets() {
        Backend b = pair.tested();
        float[] original = uniform(random("upload"), 37, -1f, 1f);
        float[] data = original.clone();
        DeviceBuffer buf = b.upload(data);
        assertEquals(37, buf.size());
        assertSame(b, buf.backend(), "upload must return a buffer of this backend");
        data[5] = 99f; // the upload must have copied the array, not kept it
        float[] back = new float[40];
        b.synchronize();
        b.download(buf, 5, back, 3, 17);
        for (int i = 0; i < 17; i++) {
            assertEquals(original[5 + i], back[3 + i], "download(src offset 5, dst offset 3) element " + i);
        }
        assertEquals(0f, back[2], "download wrote before its destination range");
        assertEquals(0f, back[20], "download wrote past its destination range");
        float[] src = {10f, 11f, 12f, 13f, 14f};
        b.write(src, 1, buf, 30, 3);
        float[] all = new float[37];
        b.synchronize();
        b.download(buf, 0, all, 0, 37);
        float[] expected = original.clone();
        expected[30] = 11f;
        expected[31] = 12f;
        expected[32] = 13f;
        for (int i = 0; i < 37; i++) {
            assertEquals(expected[i], all[i], "after write(src offset 1, dst offset 30, n 3): element " + i);
        }
    }

    @Test
    void fillAndCopyTouchOnlyTheirRange() {
        float[] data = uniform(random("fill"), 41, -1f, 1f);
        Twin t = pair.upload(data);
        pair.run((b, s) -> b.fill(s.of(t), 7, 17, 2.5f));
        pair.assertBitIdentical("fill(offset 7, n 17)", t);
        Twin dst = pair.upload(uniform(random("copy"), 29, -1f, 1f));
        pair.run((b, s) -> b.copy(s.of(t), 3, s.of(dst), 11, 15));
        pair.assertBitIdentical("copy(src offset 3, dst offset 11, n 15)", dst);
        pair.run((b, s) -> b.copy(s.of(t), 0, s.of(dst), 0, 1));
        pair.assertBitIdentical("copy of one element", dst);
    }

    static Stream<Arguments> stridedCopies() {
        // name, shape, srcStrides, srcOffset, dstStrides, dstOffset, srcSize, dstSize
        List<Arguments> list = new ArrayList<>();
        int[] s3 = {31, 17, 23};
        list.add(Arguments.of("identity 31x17x23", s3, contiguousStrides(s3), 0, contiguousStrides(s3), 0, product(s3), product(s3)));
        int[][] perms = {{0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] p : perms) {
            int[] st = contiguousStrides(s3);
            int[] outShape = {s3[p[0]], s3[p[1]], s3[p[2]]};
            int[] src = {st[p[0]], st[p[1]], st[p[2]]};
            list.add(Arguments.of("permute " + Arrays.toString(p) + " of 31x17x23", outShape, src, 0,
                    contiguousStrides(outShape), 0, product(s3), product(s3)));
        }
        int[] s4 = {2, 5, 3, 4};
        int[] st4 = contiguousStrides(s4);
        list.add(Arguments.of("permute 0213 of 2x5x3x4", new int[] {2, 3, 5, 4}, new int[] {st4[0], st4[2], st4[1], st4[3]}, 0,
                contiguousStrides(2, 3, 5, 4), 0, 120, 120));
        list.add(Arguments.of("permute 0321 of 2x5x3x4", new int[] {2, 4, 3, 5}, new int[] {st4[0], st4[3], st4[2], st4[1]}, 0,
                contiguousStrides(2, 4, 3, 5), 0, 120, 120));
        // A slice [3, 10) of axis 1 of [4, 17, 5]: source offset, destination contiguous.
        list.add(Arguments.of("slice of axis 1", new int[] {4, 7, 5}, contiguousStrides(4, 17, 5), 3 * 5,
                contiguousStrides(4, 7, 5), 0, 4 * 17 * 5, 4 * 7 * 5));
        // Concatenation: a [3, 4, 2] part written at offset 5 along axis 1 of a [3, 15, 2] result.
        list.add(Arguments.of("concat part into axis 1", new int[] {3, 4, 2}, contiguousStrides(3, 4, 2), 0,
                contiguousStrides(3, 15, 2), 5 * 2, 24, 90));
        // Padding: [2, 3, 5] into [2, 6, 9] with (1 before on axis 1, 2 before on axis 2).
        list.add(Arguments.of("pad into a larger tensor", new int[] {2, 3, 5}, contiguousStrides(2, 3, 5), 0,
                contiguousStrides(2, 6, 9), 9 + 2, 30, 108));
        // Broadcast: stride 0 on the axes being expanded (expand uses this).
        list.add(Arguments.of("broadcast [3,1] to [2,3,4]", new int[] {2, 3, 4}, new int[] {0, 1, 0}, 0,
                contiguousStrides(2, 3, 4), 0, 3, 24));
        list.add(Arguments.of("one element", new int[] {1, 1, 1}, new int[] {1, 1, 1}, 4, new int[] {1, 1, 1}, 2, 5, 3));
        list.add(Arguments.of("rank 1 with offsets", new int[] {17}, new int[] {1}, 2, new int[] {1}, 1, 19, 18));
        list.add(Arguments.of("strided source rows", new int[] {15, 4}, new int[] {8, 2}, 1, new int[] {4, 1}, 0, 120, 60));
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stridedCopies")
    void copyStrided(String name, int[] shape, int[] srcStrides, int srcOffset, int[] dstStrides, int dstOffset,
                     int srcSize, int dstSize) {
        Twin src = pair.upload(uniform(random("strided", name), srcSize, -1f, 1f));
        // Elements of dst not covered by the copy must keep their values: fill with a marker.
        Twin dst = pair.filled(dstSize, -7f);
        pair.run((b, s) -> b.copyStrided(s.of(src), srcOffset, srcStrides, s.of(dst), dstOffset, dstStrides, shape));
        pair.assertBitIdentical("copyStrided " + name, dst);
    }

    // ================================================================ elementwise

    /** One unary op with its parameters and an input domain that avoids poles and NaN. */
    record UnaryCase(UnaryOp op, float p0, float p1, float lo, float hi, float... specials) {
        @Override
        public String toString() {
            return op + "(" + p0 + ", " + p1 + ") on [" + lo + ", " + hi + "]";
        }
    }

    static List<UnaryCase> unaryCases() {
        return List.of(
                new UnaryCase(UnaryOp.NEG, 0, 0, -4, 4, 0f),
                new UnaryCase(UnaryOp.EXP, 0, 0, -10, 10, 0f),
                new UnaryCase(UnaryOp.LOG, 0, 0, 0.01f, 50, 1f),
                new UnaryCase(UnaryOp.SQRT, 0, 0, 0.01f, 50, 1f, 4f),
                new UnaryCase(UnaryOp.ABS, 0, 0, -4, 4, 0f, -0f),
                new UnaryCase(UnaryOp.SQUARE, 0, 0, -4, 4, 0f),
                new UnaryCase(UnaryOp.RECIPROCAL, 0, 0, 0.1f, 4, 1f),
                new UnaryCase(UnaryOp.SIGN, 0, 0, -4, 4, 0f),
                new UnaryCase(UnaryOp.RELU, 0, 0, -4, 4, 0f, -0f),
                new UnaryCase(UnaryOp.LEAKY_RELU, 0.1f, 0, -4, 4, 0f),
                new UnaryCase(UnaryOp.LEAKY_RELU, 0.2f, 0, -40, 40, 0f),
                new UnaryCase(UnaryOp.SILU, 0, 0, -12, 12, 0f),
                new UnaryCase(UnaryOp.SIGMOID, 0, 0, -20, 20, 0f),
                new UnaryCase(UnaryOp.TANH, 0, 0, -6, 6, 0f),
                new UnaryCase(UnaryOp.SOFTPLUS, 1, 20, -30, 30, 20f, 0f),
                new UnaryCase(UnaryOp.SOFTPLUS, 2, 1, -3, 3, 0.5f),
                new UnaryCase(UnaryOp.ELU, 1.3f, 0, -5, 5, 0f),
                new UnaryCase(UnaryOp.CLAMP, -0.5f, 0.75f, -2, 2, -0.5f, 0.75f),
                new UnaryCase(UnaryOp.POW, 2.5f, 0, 0.05f, 3, 1f),
                new UnaryCase(UnaryOp.POW, 3f, 0, -2, 2, 0f),
                new UnaryCase(UnaryOp.POW, -1.5f, 0, 0.2f, 3, 1f),
                new UnaryCase(UnaryOp.POW, 0f, 0, 0.2f, 3, 1f));
    }

    private static float[] unaryInput(UnaryCase c, int n) {
        float[] x = uniform(random("unary", c.toString(), n), n, c.lo(), c.hi());
        // Plant the special points (kinks, branch boundaries) where an implementation may differ.
        for (int i = 0; i < c.specials().length && i < n; i++) {
            x[(i * 7) % n] = c.specials()[i];
        }
        return x;
    }

    @Test
    void unaryCasesCoverEveryOp() {
        Set<UnaryOp> covered = EnumSet.noneOf(UnaryOp.class);
        unaryCases().forEach(c -> covered.add(c.op()));
        assertEquals(EnumSet.allOf(UnaryOp.class), covered);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryCases")
    void unaryForwardAndBackward(UnaryCase c) {
        for (int n : new int[] {1, 15, 17, 1031}) {
            float[] xs = unaryInput(c, n);
            Twin x = pair.upload(xs);
            Twin y = pair.filled(n, Float.NaN);
            pair.run((b, s) -> b.unary(c.op(), s.of(x), s.of(y), n, c.p0(), c.p1()));
            pair.assertClose("unary " + c + " n=" + n, y);

            // The backward reads the forward output; both sides get the reference's.
            Twin yRef = pair.upload(pair.referenceValues(y));
            Twin gy = pair.upload(uniform(random("gy", c.toString(), n), n, -1f, 1f));
            Twin gx = pair.filled(n, Float.NaN);
            pair.run((b, s) -> b.unaryBackward(c.op(), s.of(x), s.of(yRef), s.of(gy), s.of(gx), n, c.p0(), c.p1()));
            pair.assertClose("unaryBackward " + c + " n=" + n, gx);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryCases")
    void unaryInPlace(UnaryCase c) {
        int n = 17;
        Twin x = pair.upload(unaryInput(c, n));
        pair.run((b, s) -> b.unary(c.op(), s.of(x), s.of(x), n, c.p0(), c.p1()));
        pair.assertClose("unary in place " + c, x);
    }

    private static float[] binaryOperand(BinaryOp op, boolean left, SplittableRandom r, int n) {
        return switch (op) {
            case POW -> left ? uniform(r, n, 0.1f, 3f) : uniform(r, n, -2f, 2f);
            case DIV -> left ? uniform(r, n, -2f, 2f) : awayFromZero(r, n, 0.25f, 2f);
            default -> quantized(r, n);
        };
    }

    /** name, output shape, shape of a, shape of b (a shape with 1s broadcasts over those axes). */
    static Stream<Arguments> broadcastShapes() {
        return Stream.of(
                Arguments.of("same shape 31x17x23", new int[] {31, 17, 23}, new int[] {31, 17, 23}, new int[] {31, 17, 23}),
                Arguments.of("b broadcast on the last axis", new int[] {15, 17}, new int[] {15, 17}, new int[] {15, 1}),
                Arguments.of("a broadcast on the first axis", new int[] {15, 17}, new int[] {1, 17}, new int[] {15, 17}),
                Arguments.of("both operands broadcast", new int[] {31, 17, 23}, new int[] {31, 1, 23}, new int[] {1, 17, 1}),
                Arguments.of("scalar b", new int[] {3, 5, 7}, new int[] {3, 5, 7}, new int[] {1, 1, 1}),
                Arguments.of("scalar a", new int[] {17}, new int[] {1}, new int[] {17}),
                Arguments.of("one element", new int[] {1}, new int[] {1}, new int[] {1}),
                Arguments.of("rank 4 with 1s", new int[] {2, 1, 5, 3}, new int[] {2, 1, 1, 3}, new int[] {1, 1, 5, 1}));
    }

    private static int[] broadcastStrides(int[] shape, int[] out) {
        int[] st = contiguousStrides(shape);
        int[] r = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            r[i] = shape[i] == 1 && out[i] != 1 ? 0 : st[i];
        }
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BinaryOp.class)
    void binaryWithBroadcastStrides(BinaryOp op) {
        broadcastShapes().forEach(a -> {
            Object[] args = a.get();
            String name = (String) args[0];
            int[] out = (int[]) args[1];
            int[] as = (int[]) args[2];
            int[] bs = (int[]) args[3];
            Twin x = pair.upload(binaryOperand(op, true, random("a", op, name), product(as)));
            Twin y = pair.upload(binaryOperand(op, false, random("b", op, name), product(bs)));
            Twin z = pair.filled(product(out), Float.NaN);
            int[] ast = broadcastStrides(as, out);
            int[] bst = broadcastStrides(bs, out);
            pair.run((b, s) -> b.binary(op, s.of(x), ast, s.of(y), bst, s.of(z), out));
            pair.assertClose("binary " + op + " " + name, z);
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BinaryOp.class)
    void binaryScalarBothOrders(BinaryOp op) {
        for (int n : new int[] {1, 15, 17, 1031}) {
            for (boolean scalarFirst : new boolean[] {false, true}) {
                // POW needs a positive base, DIV a divisor away from zero, whichever side is the tensor.
                boolean tensorIsLeft = !scalarFirst;
                float[] xs = binaryOperand(op, tensorIsLeft, random("bs", op, n, scalarFirst), n);
                float s = switch (op) {
                    case POW -> scalarFirst ? 1.7f : -1.25f;
                    case DIV -> scalarFirst ? 0.75f : -1.5f;
                    default -> 0.5f; // a quarter, so quantized inputs tie with it
                };
                Twin x = pair.upload(xs);
                Twin z = pair.filled(n, Float.NaN);
                pair.run((b, side) -> b.binaryScalar(op, side.of(x), s, scalarFirst, side.of(z), n));
                pair.assertClose("binaryScalar " + op + (scalarFirst ? " (s op x)" : " (x op s)") + " n=" + n, z);
            }
        }
    }

    // ================================================================ reductions

    /** [outer, n, inner] views, including every size-1 combination. */
    private static final int[][] VIEWS = {
        {1, 1, 1}, {1, 17, 1}, {15, 1, 17}, {1, 15, 1}, {31, 17, 23}, {3, 1031, 1}, {1, 5, 1031}, {7, 64, 3}, {2, 65, 1}};

    @ParameterizedTest(name = "{0}")
    @EnumSource(ReduceOp.class)
    void reduceOverMiddleAxis(ReduceOp op) {
        for (int[] v : VIEWS) {
            int total = product(v);
            for (boolean ties : new boolean[] {false, true}) {
                SplittableRandom r = random("reduce", op, Arrays.toString(v), ties);
                Twin x = pair.upload(ties ? quantized(r, total) : uniform(r, total, -3f, 3f));
                Twin out = pair.filled(v[0] * v[2], Float.NaN);
                pair.run((b, s) -> b.reduce(op, s.of(x), s.of(out), v[0], v[1], v[2]));
                pair.assertClose("reduce " + op + " over " + Arrays.toString(v) + (ties ? " with ties" : ""), out);
            }
        }
    }

    @ParameterizedTest(name = "max={0}")
    @ValueSource(booleans = {true, false})
    void argReducePicksTheFirstExtreme(boolean max) {
        for (int[] v : VIEWS) {
            int total = product(v);
            Twin x = pair.upload(quantized(random("arg", max, Arrays.toString(v)), total));
            Twin out = pair.filled(v[0] * v[2], Float.NaN);
            pair.run((b, s) -> b.argReduce(max, s.of(x), s.of(out), v[0], v[1], v[2]));
            pair.assertBitIdentical((max ? "argmax" : "argmin") + " over " + Arrays.toString(v), out);
        }
    }

    // ================================================================ linear algebra

    /** m, n, k triples from 1 to 130, with the blocking edges 64, 65, 127, 128. */
    private static final int[][] GEMM_SIZES = {
        {1, 1, 1}, {1, 130, 1}, {130, 1, 1}, {1, 1, 130}, {15, 17, 31}, {17, 15, 64}, {64, 64, 64}, {65, 65, 65},
        {31, 127, 65}, {128, 3, 129}, {7, 64, 1}, {2, 65, 127}, {127, 9, 5}, {130, 130, 130}};

    static Stream<Arguments> transposeCombos() {
        return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false), Arguments.of(true, true));
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @MethodSource("transposeCombos")
    void gemmSingle(boolean ta, boolean tb) {
        for (int[] mnk : GEMM_SIZES) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            for (float beta : new float[] {0f, 1f}) {
                float alpha = beta == 0f ? 1f : 0.5f;
                SplittableRandom r = random("gemm", ta, tb, Arrays.toString(mnk), beta);
                Twin a = pair.upload(uniform(r, m * k, -1f, 1f));
                Twin b = pair.upload(uniform(r, k * n, -1f, 1f));
                // With beta 0 the contract says C is not read: NaN there must not leak into the result.
                Twin c = beta == 0f ? pair.filled(m * n, Float.NaN) : pair.upload(uniform(r, m * n, -1f, 1f));
                pair.run((be, s) -> be.gemm(ta, tb, 1, m, n, k, alpha, s.of(a), 0, 0, s.of(b), 0, 0, beta, s.of(c), 0, 0));
                pair.assertClose(String.format("gemm %s%s m=%d n=%d k=%d alpha=%s beta=%s",
                        ta ? "T" : "N", tb ? "T" : "N", m, n, k, alpha, beta), c);
            }
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @MethodSource("transposeCombos")
    void gemmBatchedWithStridesAndOffsets(boolean ta, boolean tb) {
        int batch = 3;
        int[][] sizes = {{17, 15, 31}, {1, 5, 3}, {65, 2, 64}};
        for (int[] mnk : sizes) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            // aStride, bStride, cStride: dense, A broadcast (0), B broadcast (0), padded with gaps.
            int[][] strides = {{m * k, k * n, m * n}, {0, k * n, m * n}, {m * k, 0, m * n}, {m * k + 3, k * n + 1, m * n + 2}};
            for (int[] st : strides) {
                for (float beta : new float[] {0f, 1f}) {
                    int aOff = 5;
                    int bOff = 2;
                    int cOff = 3;
                    SplittableRandom r = random("bgemm", ta, tb, Arrays.toString(mnk), Arrays.toString(st), beta);
                    Twin a = pair.upload(uniform(r, aOff + (batch - 1) * st[0] + m * k, -1f, 1f));
                    Twin b = pair.upload(uniform(r, bOff + (batch - 1) * st[1] + k * n, -1f, 1f));
                    // The gaps between C matrices and before the offset must survive: random, not NaN.
                    Twin c = pair.upload(uniform(r, cOff + (batch - 1) * st[2] + m * n, -1f, 1f));
                    pair.run((be, s) -> be.gemm(ta, tb, batch, m, n, k, 1f, s.of(a), aOff, st[0], s.of(b), bOff, st[1],
                            beta, s.of(c), cOff, st[2]));
                    pair.assertClose(String.format("batched gemm %s%s m=%d n=%d k=%d strides=%s beta=%s",
                            ta ? "T" : "N", tb ? "T" : "N", m, n, k, Arrays.toString(st), beta), c);
                }
            }
        }
    }

    @Test
    void pairwiseSquaredDistances() {
        int[][] sizes = {{1, 1}, {1, 17}, {17, 1}, {31, 23}, {64, 65}, {130, 7}};
        for (int[] nd : sizes) {
            int n = nd[0];
            int d = nd[1];
            Twin x = pair.upload(uniform(random("pdist", n, d), n * d, -2f, 2f));
            Twin out = pair.filled(n * n, Float.NaN);
            pair.run((b, s) -> b.pairwiseSquaredDistances(s.of(x), s.of(out), n, d));
            pair.assertClose("pairwiseSquaredDistances n=" + n + " d=" + d, out);
        }
    }

    // ================================================================ convolution

    private static ConvGeometry conv(int batch, int cin, int h, int w, int cout, int kh, int kw,
                                     int sh, int sw, int ph, int pw, int dh, int dw) {
        return new ConvGeometry(batch, cin, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw,
                ConvGeometry.outputSize(h, kh, sh, ph, dh), ConvGeometry.outputSize(w, kw, sw, pw, dw));
    }

    static Stream<Arguments> convGeometries() {
        return Stream.of(
                Arguments.of("1x1", conv(2, 3, 15, 17, 5, 1, 1, 1, 1, 0, 0, 1, 1)),
                Arguments.of("3x3 pad 1", conv(1, 4, 17, 15, 8, 3, 3, 1, 1, 1, 1, 1, 1)),
                Arguments.of("5x5 pad 2", conv(2, 3, 13, 11, 4, 5, 5, 1, 1, 2, 2, 1, 1)),
                Arguments.of("7x7 pad 3", conv(1, 3, 23, 17, 2, 7, 7, 1, 1, 3, 3, 1, 1)),
                Arguments.of("3x3 stride 2 pad 1", conv(2, 5, 17, 16, 6, 3, 3, 2, 2, 1, 1, 1, 1)),
                Arguments.of("3x3 dilation 2 pad 2", conv(1, 2, 15, 15, 3, 3, 3, 1, 1, 2, 2, 2, 2)),
                Arguments.of("4x4 stride 2 pad 1", conv(2, 3, 16, 16, 4, 4, 4, 2, 2, 1, 1, 1, 1)),
                Arguments.of("non-square everything", conv(2, 3, 13, 19, 4, 3, 5, 1, 2, 1, 2, 2, 1)),
                Arguments.of("all sizes 1", conv(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1)),
                Arguments.of("kernel larger than image with padding", conv(1, 2, 2, 3, 3, 5, 5, 1, 1, 2, 2, 1, 1)),
                Arguments.of("64 channels in and out", conv(1, 64, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
                Arguments.of("stride 3 uneven", conv(1, 2, 17, 14, 3, 3, 3, 3, 3, 0, 0, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convGeometries")
    void conv2dForwardAndBothBackwardKernels(String name, ConvGeometry g) {
        SplittableRandom r = random("conv", name);
        int xSize = g.batch() * g.inChannels() * g.inH() * g.inW();
        int wSize = g.outChannels() * g.inChannels() * g.kH() * g.kW();
        int ySize = g.batch() * g.outChannels() * g.outH() * g.outW();
        Twin x = pair.upload(uniform(r, xSize, -1f, 1f));
        Twin w = pair.upload(uniform(r, wSize, -1f, 1f));
        Twin bias = pair.upload(uniform(r, g.outChannels(), -1f, 1f));
        Twin y = pair.filled(ySize, Float.NaN);
        pair.run((b, s) -> b.conv2d(s.of(x), s.of(w), s.of(bias), s.of(y), g));
        pair.assertClose("conv2d " + name + " " + g, y);
        Twin yNoBias = pair.filled(ySize, Float.NaN);
        pair.run((b, s) -> b.conv2d(s.of(x), s.of(w), null, s.of(yNoBias), g));
        pair.assertClose("conv2d without bias " + name, yNoBias);

        Twin gy = pair.upload(uniform(r, ySize, -1f, 1f));
        Twin gx = pair.filled(xSize, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardInput(s.of(gy), s.of(w), s.of(gx), g));
        pair.assertClose("conv2dBackwardInput " + name, gx);
        Twin gw = pair.filled(wSize, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardWeight(s.of(x), s.of(gy), s.of(gw), g));
        pair.assertClose("conv2dBackwardWeight " + name, gw);
    }

    /**
     * A transposed convolution (k4, stride 2, pad 1: the decoder's upsampling layer) runs as
     * the backward-to-input kernel of the convolution from the big image to the small one;
     * with output padding 1 the big image has an odd size the forward formula would not give.
     */
    @ParameterizedTest(name = "output padding {0}")
    @ValueSource(ints = {0, 1})
    void transposedConvolutionThroughTheBackwardInputKernel(int outputPadding) {
        int batch = 2;
        int cin = 5;
        int cout = 3;
        int h = 5;
        int w = 7;
        int bigH = (h - 1) * 2 - 2 + 4 + outputPadding;
        int bigW = (w - 1) * 2 - 2 + 4 + outputPadding;
        ConvGeometry g = new ConvGeometry(batch, cout, bigH, bigW, cin, 4, 4, 2, 2, 1, 1, 1, 1, h, w);
        SplittableRandom r = random("convT", outputPadding);
        Twin x = pair.upload(uniform(r, batch * cin * h * w, -1f, 1f));
        Twin weight = pair.upload(uniform(r, cin * cout * 16, -1f, 1f));
        Twin out = pair.filled(batch * cout * bigH * bigW, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardInput(s.of(x), s.of(weight), s.of(out), g));
        pair.assertClose("conv_transpose2d k4 s2 p1 output padding " + outputPadding, out);
        // Its input gradient is the forward convolution, its weight gradient the weight kernel.
        Twin gy = pair.upload(uniform(r, batch * cout * bigH * bigW, -1f, 1f));
        Twin gx = pair.filled(batch * cin * h * w, Float.NaN);
        pair.run((b, s) -> b.conv2d(s.of(gy), s.of(weight), null, s.of(gx), g));
        pair.assertClose("conv_transpose2d input gradient", gx);
        Twin gw = pair.filled(cin * cout * 16, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardWeight(s.of(gy), s.of(x), s.of(gw), g));
        pair.assertClose("conv_transpose2d weight gradient", gw);
    }

    // ================================================================ pooling and resampling

    private static PoolGeometry pool(int planes, int h, int w, int k, int stride, int pad) {
        return new PoolGeometry(planes, h, w, k, k, stride, stride, pad, pad,
                (h + 2 * pad - k) / stride + 1, (w + 2 * pad - k) / stride + 1);
    }

    static Stream<Arguments> poolGeometries() {
        return Stream.of(
                Arguments.of("2x2 stride 2, odd sizes", pool(6, 17, 15, 2, 2, 0)),
                Arguments.of("3x3 stride 2 pad 1", pool(2, 15, 17, 3, 2, 1)),
                Arguments.of("3x3 stride 1 pad 1 (overlapping)", pool(3, 7, 5, 3, 1, 1)),
                Arguments.of("2x2 stride 1", pool(1, 5, 4, 2, 1, 0)),
                Arguments.of("1x1", pool(2, 3, 3, 1, 1, 0)),
                Arguments.of("window is the whole plane", pool(4, 3, 3, 3, 1, 0)),
                Arguments.of("non-square window and stride", new PoolGeometry(2, 9, 11, 2, 3, 1, 2, 1, 1, 10, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolGeometries")
    void maxPoolForwardSwitchesAndBackward(String name, PoolGeometry g) {
        int inSize = g.planes() * g.inH() * g.inW();
        int outSize = g.planes() * g.outH() * g.outW();
        SplittableRandom r = random("maxpool", name);
        // Distinct values: the switch (which element won) is unambiguous.
        float[] xs = new float[inSize];
        for (int i = 0; i < inSize; i++) {
            xs[i] = i;
        }
        for (int i = inSize - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = xs[i];
            xs[i] = xs[j];
            xs[j] = t;
        }
        Twin x = pair.upload(xs);
        Twin out = pair.filled(outSize, Float.NaN);
        Twin switches = pair.filled(outSize, Float.NaN);
        pair.run((b, s) -> b.maxPool2d(s.of(x), s.of(out), s.of(switches), g));
        pair.assertClose("maxPool2d " + name, out);
        pair.assertBitIdentical("maxPool2d switches " + name, switches);
        Twin outNoSwitches = pair.filled(outSize, Float.NaN);
        pair.run((b, s) -> b.maxPool2d(s.of(x), s.of(outNoSwitches), null, g));
        pair.assertClose("maxPool2d without switches " + name, outNoSwitches);

        Twin gy = pair.upload(uniform(r, outSize, -1f, 1f));
        Twin gx = pair.filled(inSize, Float.NaN);
        pair.run((b, s) -> b.maxPool2dBackward(s.of(gy), s.of(switches), s.of(gx), g));
        pair.assertClose("maxPool2dBackward " + name, gx);
    }

    @Test
    void maxPoolWithTiesPointsAtAMaximumInsideTheWindow() {
        PoolGeometry g = pool(3, 9, 8, 3, 2, 1);
        int outSize = g.planes() * g.outH() * g.outW();
        float[] xs = quantized(random("maxpool ties"), g.planes() * g.inH() * g.inW());
        Twin x = pair.upload(xs);
        Twin out = pair.filled(outSize, Float.NaN);
        Twin switches = pair.filled(outSize, Float.NaN);
        pair.run((b, s) -> b.maxPool2d(s.of(x), s.of(out), s.of(switches), g));
        pair.assertClose("maxPool2d with ties", out);
        float[] o = pair.testedValues(out);
        float[] sw = pair.testedValues(switches);
        int plane = g.inH() * g.inW();
        for (int i = 0; i < outSize; i++) {
            int p = i / (g.outH() * g.outW());
            int oy = (i / g.outW()) % g.outH();
            int ox = i % g.outW();
            int where = (int) sw[i];
            int iy = where / g.inW();
            int ix = where % g.inW();
            boolean inWindow = where >= 0 && where < plane
                    && iy >= oy * g.strideH() - g.padH() && iy < oy * g.strideH() - g.padH() + g.kH()
                    && ix >= ox * g.strideW() - g.padW() && ix < ox * g.strideW() - g.padW() + g.kW();
            assertTrue(inWindow, "switch " + where + " of output " + i + " lies outside its window");
            assertEquals(o[i], xs[p * plane + where], "switch of output " + i + " must point at the maximum");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolGeometries")
    void avgPoolForwardAndBackward(String name, PoolGeometry g) {
        int inSize = g.planes() * g.inH() * g.inW();
        int outSize = g.planes() * g.outH() * g.outW();
        SplittableRandom r = random("avgpool", name);
        Twin x = pair.upload(uniform(r, inSize, -1f, 1f));
        Twin out = pair.filled(outSize, Float.NaN);
        pair.run((b, s) -> b.avgPool2d(s.of(x), s.of(out), g));
        pair.assertClose("avgPool2d " + name, out);
        Twin gy = pair.upload(uniform(r, outSize, -1f, 1f));
        Twin gx = pair.filled(inSize, Float.NaN);
        pair.run((b, s) -> b.avgPool2dBackward(s.of(gy), s.of(gx), g));
        pair.assertClose("avgPool2dBackward " + name, gx);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(UpsampleMode.class)
    void upsampleForwardAndBackward(UpsampleMode mode) {
        // planes, inH, inW, outH, outW: scale 2, scale 3, from 1x1, larger, and a non-integer ratio.
        int[][] sizes = {{6, 5, 4, 10, 8}, {2, 7, 3, 21, 9}, {1, 1, 1, 2, 2}, {1, 17, 15, 34, 30}, {3, 4, 6, 10, 9}, {2, 3, 3, 3, 3}};
        for (int[] sz : sizes) {
            int planes = sz[0];
            int inH = sz[1];
            int inW = sz[2];
            int outH = sz[3];
            int outW = sz[4];
            SplittableRandom r = random("upsample", mode, Arrays.toString(sz));
            Twin x = pair.upload(uniform(r, planes * inH * inW, -1f, 1f));
            Twin out = pair.filled(planes * outH * outW, Float.NaN);
            pair.run((b, s) -> b.upsample2d(mode, s.of(x), s.of(out), planes, inH, inW, outH, outW));
            pair.assertClose("upsample2d " + mode + " " + Arrays.toString(sz), out);
            Twin gy = pair.upload(uniform(r, planes * outH * outW, -1f, 1f));
            Twin gx = pair.filled(planes * inH * inW, Float.NaN);
            pair.run((b, s) -> b.upsample2dBackward(mode, s.of(gy), s.of(gx), planes, inH, inW, outH, outW));
            pair.assertClose("upsample2dBackward " + mode + " " + Arrays.toString(sz), gx);
        }
    }

    // ================================================================ normalisation

    @ParameterizedTest(name = "log={0}")
    @ValueSource(booleans = {false, true})
    void softmaxForwardAndBackward(boolean log) {
        int[][] views = {{1, 1, 1}, {1, 10, 1}, {4, 10, 1}, {2, 17, 23}, {3, 5, 31}, {1, 1031, 1}, {15, 1, 17}};
        for (int[] v : views) {
            for (float scale : new float[] {2f, 100f}) {
                // Scale 100 overflows exp in float unless the maximum is subtracted first.
                int total = product(v);
                SplittableRandom r = random("softmax", log, Arrays.toString(v), scale);
                Twin x = pair.upload(uniform(r, total, -scale, scale));
                Twin y = pair.filled(total, Float.NaN);
                pair.run((b, s) -> b.softmax(s.of(x), s.of(y), v[0], v[1], v[2], log));
                String what = (log ? "logSoftmax " : "softmax ") + Arrays.toString(v) + " inputs ±" + scale;
                pair.assertClose(what, y);
                Twin yRef = pair.upload(pair.referenceValues(y));
                Twin gy = pair.upload(uniform(r, total, -1f, 1f));
                Twin gx = pair.filled(total, Float.NaN);
                pair.run((b, s) -> b.softmaxBackward(s.of(yRef), s.of(gy), s.of(gx), v[0], v[1], v[2], log));
                pair.assertClose(what + " backward", gx);
            }
        }
    }

    static Stream<Arguments> batchNormShapes() {
        // n, c, hw, input offset
        return Stream.of(
                Arguments.of(4, 3, 25, 0f),
                Arguments.of(1, 2, 17, 0f),
                Arguments.of(2, 16, 1, 0f),
                Arguments.of(8, 64, 15, 0f),
                Arguments.of(3, 5, 31, 3f));
    }

    @ParameterizedTest(name = "n={0} c={1} hw={2} offset={3}")
    @MethodSource("batchNormShapes")
    void batchNormForwardAndBackward(int n, int c, int hw, float offset) {
        int total = n * c * hw;
        SplittableRandom r = random("bn", n, c, hw, offset);
        float[] xs = uniform(r, total, -1f, 1f);
        for (int i = 0; i < total; i++) {
            xs[i] += offset;
        }
        Twin x = pair.upload(xs);
        Twin gamma = pair.upload(uniform(r, c, 0.5f, 1.5f));
        Twin beta = pair.upload(uniform(r, c, -1f, 1f));
        for (boolean affine : new boolean[] {true, false}) {
            Twin g = affine ? gamma : null;
            Twin bt = affine ? beta : null;
            Twin out = pair.filled(total, Float.NaN);
            Twin mean = pair.filled(c, Float.NaN);
            Twin invStd = pair.filled(c, Float.NaN);
            pair.run((b, s) -> b.batchNormForward(s.of(x), s.of(g), s.of(bt), s.of(out), s.of(mean), s.of(invStd), n, c, hw, 1e-5f));
            String what = "batchNorm n=" + n + " c=" + c + " hw=" + hw + (affine ? "" : " without affine");
            pair.assertClose(what + " output", out);
            pair.assertClose(what + " mean", mean);
            pair.assertClose(what + " invStd", invStd);

            Twin meanRef = pair.upload(pair.referenceValues(mean));
            Twin invStdRef = pair.upload(pair.referenceValues(invStd));
            Twin gy = pair.upload(uniform(r, total, -1f, 1f));
            Twin gx = pair.filled(total, Float.NaN);
            Twin gGamma = affine ? pair.filled(c, Float.NaN) : null;
            Twin gBeta = affine ? pair.filled(c, Float.NaN) : null;
            pair.run((b, s) -> b.batchNormBackward(s.of(x), s.of(gy), s.of(g), s.of(meanRef), s.of(invStdRef),
                    s.of(gx), s.of(gGamma), s.of(gBeta), n, c, hw));
            pair.assertClose(what + " input gradient", gx);
            if (affine) {
                pair.assertClose(what + " gamma gradient", gGamma);
                pair.assertClose(what + " beta gradient", gBeta);
            }
        }
    }

    // ================================================================ indexing

    @Test
    void gatherAndScatterAdd() {
        // outer, n, inner, k
        int[][] sizes = {{1, 5, 1, 3}, {3, 17, 23, 4}, {2, 1, 5, 7}, {4, 10, 1, 1}, {1, 31, 17, 31}};
        for (int[] sz : sizes) {
            int outer = sz[0];
            int n = sz[1];
            int inner = sz[2];
            int k = sz[3];
            SplittableRandom r = random("gather", Arrays.toString(sz));
            float[] idx = new float[outer * k * inner];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.nextInt(n); // repeats are likely: scatterAdd must accumulate them
            }
            Twin x = pair.upload(uniform(r, outer * n * inner, -1f, 1f));
            Twin index = pair.upload(idx);
            Twin out = pair.filled(outer * k * inner, Float.NaN);
            pair.run((b, s) -> b.gather(s.of(x), s.of(index), s.of(out), outer, n, inner, k));
            pair.assertBitIdentical("gather " + Arrays.toString(sz), out);
            Twin src = pair.upload(uniform(r, outer * k * inner, -1f, 1f));
            Twin acc = pair.upload(uniform(r, outer * n * inner, -1f, 1f));
            pair.run((b, s) -> b.scatterAdd(s.of(src), s.of(index), s.of(acc), outer, n, inner, k));
            pair.assertClose("scatterAdd " + Arrays.toString(sz), acc);
        }
    }

    // ================================================================ random fills

    /** seed, offset: small, negative, and counters beyond 2^32 (the counter's high word). */
    private static final long[][] STREAMS = {{0, 0}, {42, 17}, {-1, 1000}, {0x1234_5678_9ABC_DEF0L, (1L << 32) - 5}, {7, 3L << 33}};

    @Test
    void randomUniformIsBitIdentical() {
        for (long[] st : STREAMS) {
            for (int n : new int[] {1, 17, 1031}) {
                Twin out = pair.filled(n + 3, Float.NaN); // the tail past n must stay untouched
                pair.run((b, s) -> b.randomUniform(s.of(out), n, st[0], st[1], -2f, 3f));
                pair.assertBitIdentical("randomUniform seed " + st[0] + " offset " + st[1] + " n " + n, out);
            }
        }
    }

    @Test
    void randomBernoulliIsBitIdentical() {
        for (long[] st : STREAMS) {
            for (float p : new float[] {0f, 0.3f, 0.5f, 1f}) {
                int n = 1031;
                Twin out = pair.filled(n + 3, Float.NaN);
                pair.run((b, s) -> b.randomBernoulli(s.of(out), n, st[0], st[1], p));
                pair.assertBitIdentical("randomBernoulli p " + p + " seed " + st[0] + " offset " + st[1], out);
            }
        }
    }

    @Test
    void randomNormalMatchesWithin1e6() {
        for (long[] st : STREAMS) {
            int n = 1031;
            Twin out = pair.filled(n + 3, Float.NaN);
            pair.run((b, s) -> b.randomNormal(s.of(out), n, st[0], st[1], 0.5f, 2f));
            float[] want = pair.referenceValues(out);
            float[] got = pair.testedValues(out);
            for (int i = 0; i < want.length; i++) {
                boolean ok = Float.isNaN(want[i]) ? Float.isNaN(got[i])
                        : Math.abs(got[i] - want[i]) <= 1e-6 * Math.max(1, Math.abs(want[i]));
                assertTrue(ok, "randomNormal seed " + st[0] + " offset " + st[1] + " element " + i + ": " + got[i]
                        + " vs reference " + want[i]);
            }
        }
    }

    // ================================================================ optimiser steps

    static Stream<Arguments> adamConfigs() {
        List<Arguments> list = new ArrayList<>();
        for (boolean amsgrad : new boolean[] {false, true}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                for (float wd : new float[] {0f, 0.01f}) {
                    list.add(Arguments.of(amsgrad, decoupled, wd));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "amsgrad={0} decoupled={1} weightDecay={2}")
    @MethodSource("adamConfigs")
    void adamStepsMatch(boolean amsgrad, boolean decoupled, float weightDecay) {
        for (int n : new int[] {1, 17, 1031}) {
            SplittableRandom r = random("adam", amsgrad, decoupled, weightDecay, n);
            Twin p = pair.upload(uniform(r, n, -1f, 1f));
            Twin m = pair.filled(n, 0f);
            Twin v = pair.filled(n, 0f);
            Twin vMax = amsgrad ? pair.filled(n, 0f) : null;
            // Several steps: bias correction changes with the step, state carries over.
            for (long step = 1; step <= 4; step++) {
                Twin grad = pair.upload(uniform(r, n, -1f, 1f));
                AdamConfig cfg = new AdamConfig(1e-2f, 0.9f, 0.999f, 1e-8f, weightDecay, decoupled, amsgrad, step);
                pair.run((b, s) -> b.adamStep(s.of(p), s.of(grad), s.of(m), s.of(v), s.of(vMax), n, cfg));
                String what = "adam step " + step + " n=" + n + " " + cfg;
                pair.assertClose(what + " param", p);
                pair.assertClose(what + " m", m);
                pair.assertClose(what + " v", v);
                if (amsgrad) {
                    pair.assertClose(what + " vMax", vMax);
                }
            }
        }
    }

    static Stream<Arguments> sgdConfigs() {
        // momentum, dampening, weightDecay, nesterov
        return Stream.of(
                Arguments.of(0f, 0f, 0f, false),
                Arguments.of(0f, 0f, 0.01f, false),
                Arguments.of(0.9f, 0f, 0f, false),
                Arguments.of(0.9f, 0.1f, 0.01f, false),
                Arguments.of(0.9f, 0f, 0.01f, true));
    }

    @ParameterizedTest(name = "momentum={0} dampening={1} weightDecay={2} nesterov={3}")
    @MethodSource("sgdConfigs")
    void sgdStepsMatch(float momentum, float dampening, float weightDecay, boolean nesterov) {
        for (int n : new int[] {1, 17, 1031}) {
            SplittableRandom r = random("sgd", momentum, dampening, weightDecay, nesterov, n);
            Twin p = pair.upload(uniform(r, n, -1f, 1f));
            // The buffer is NaN before the first step: the first step must initialise, not blend.
            Twin buf = momentum == 0f ? null : pair.filled(n, Float.NaN);
            for (int step = 1; step <= 3; step++) {
                Twin grad = pair.upload(uniform(r, n, -1f, 1f));
                SgdConfig cfg = new SgdConfig(0.05f, momentum, dampening, weightDecay, nesterov, step == 1);
                pair.run((b, s) -> b.sgdStep(s.of(p), s.of(grad), s.of(buf), n, cfg));
                String what = "sgd step " + step + " n=" + n + " " + cfg;
                pair.assertClose(what + " param", p);
                if (buf != null) {
                    pair.assertClose(what + " momentum buffer", buf);
                }
            }
        }
    }
}
