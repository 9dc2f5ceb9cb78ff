package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.AdamConfig;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendPair;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.SgdConfig;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * Sizes large enough to be split over threads (the conformance suite's are mostly below the
 * threshold), and the cases where the split itself could change a result: long single-row
 * reductions combined from per-thread partials, broadcasts split mid-pattern, random fills
 * whose counters must not depend on the split, and data far from zero where naive float
 * accumulation would lose digits. Each on 2 threads, an odd (3) and a high (16) count (uneven
 * parts; more parts than cores, so one thread of the team may run several parts of a call), and a
 * 5-way split with every part on one thread.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("splits")
class ParallelPathsTest {

    private static final Backend ONE = new CpuBackend(1, VectorWidth.AUTO);

    /** A thread count and how the parts are scheduled. */
    record Split(int threads, Parallel.Schedule schedule) {
        Backend backend(VectorWidth width) {
            return new CpuBackend(threads, width, Convolution.DEFAULT_MAX_COLUMN_FLOATS, schedule);
        }

        @Override
        public String toString() {
            return threads + " threads" + (schedule == Parallel.Schedule.TEAM ? "" : ", every part on one thread");
        }
    }

    static Stream<Split> splits() {
        return Stream.of(new Split(2, Parallel.Schedule.TEAM), new Split(3, Parallel.Schedule.TEAM),
                new Split(16, Parallel.Schedule.TEAM), new Split(5, Parallel.Schedule.ONE_THREAD));
    }

    private final Split split;
    /** The backend under test at the hardware's SIMD width, and with the scalar kernels. */
    private final Backend tested;
    private final Backend scalarTested;

    ParallelPathsTest(Split split) {
        this.split = split;
        this.tested = split.backend(VectorWidth.AUTO);
        this.scalarTested = split.backend(VectorWidth.SCALAR);
    }

    private static BackendPair pair(Backend backend, double tolerance) {
        return new BackendPair(new ReferenceBackend(), backend, tolerance);
    }

    private static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    private static float[] values(Backend b, DeviceBuffer buf, int n) {
        float[] out = new float[n];
        b.download(buf, 0, out, 0, n);
        return out;
    }

    /**
     * Functions made of exactly rounded operations give the same bits however the work is split.
     * (Those with exp, log or tanh inside are not compared bit for bit: the Vector API computes
     * them with different code before and after C2 compiles a loop, one ulp apart.)
     */
    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"NEG", "SQRT", "ABS", "SQUARE", "RECIPROCAL", "SIGN", "RELU",
        "LEAKY_RELU", "CLAMP", "POW"})
    void elementwiseResultsDoNotDependOnTheThreadCount(UnaryOp op) {
        int n = 100_003;
        float[] x = uniform(op.ordinal(), n, 0.05, 4);
        float[] gy = uniform(op.ordinal() + 50, n, -1, 1);
        float[][] forward = new float[2][];
        float[][] backward = new float[2][];
        Backend[] backends = {ONE, tested};
        for (int t = 0; t < 2; t++) {
            Backend b = backends[t];
            DeviceBuffer in = b.upload(x);
            DeviceBuffer out = b.allocate(n);
            b.unary(op, in, out, n, 1.5f, 2f);
            DeviceBuffer gx = b.allocate(n);
            b.unaryBackward(op, in, out, b.upload(gy), gx, n, 1.5f, 2f);
            forward[t] = values(b, out, n);
            backward[t] = values(b, gx, n);
        }
        assertArrayEquals(forward[0], forward[1], op + " forward on 1 and " + split);
        assertArrayEquals(backward[0], backward[1], op + " backward on 1 and " + split);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void largeElementwiseOpsMatchTheReference(UnaryOp op) {
        int n = 100_003;
        float[] x = uniform(op.ordinal(), n, 0.05, 4);
        BackendPair p = pair(tested, 1e-5);
        Twin in = p.upload(x);
        Twin out = p.filled(n, Float.NaN);
        p.run((b, s) -> b.unary(op, s.of(in), s.of(out), n, 1.5f, 2f));
        p.assertClose(op + " forward, " + split, out);
        Twin yRef = p.upload(p.referenceValues(out));
        Twin gy = p.upload(uniform(op.ordinal() + 50, n, -1, 1));
        Twin gx = p.filled(n, Float.NaN);
        p.run((b, s) -> b.unaryBackward(op, s.of(in), s.of(yRef), s.of(gy), s.of(gx), n, 1.5f, 2f));
        p.assertClose(op + " backward, " + split, gx);
    }

    @Test
    void broadcastPatternsSplitOverThreads() {
        BackendPair p = pair(tested, 0);
        int n = 16;
        int c = 24;
        int hw = 400;
        Twin x = p.upload(uniform(1, n * c * hw, -2, 2));
        Twin perChannel = p.upload(uniform(2, c, -2, 2));
        Twin row = p.upload(uniform(3, hw, -2, 2));
        Twin column = p.upload(uniform(4, n * c, -2, 2));
        Twin scalar = p.upload(new float[] {0.75f});
        int[] shape = {n, c, hw};
        int[] full = {c * hw, hw, 1};
        Twin out = p.filled(n * c * hw, Float.NaN);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.SUB, BinaryOp.DIV, BinaryOp.GT, BinaryOp.MAX}) {
            p.run((b, s) -> b.binary(op, s.of(x), full, s.of(perChannel), new int[] {0, 1, 0}, s.of(out), shape));
            p.assertBitIdentical(op + " with a per-channel operand", out);
            p.run((b, s) -> b.binary(op, s.of(row), new int[] {0, 0, 1}, s.of(x), full, s.of(out), shape));
            p.assertBitIdentical(op + " with a row first", out);
            p.run((b, s) -> b.binary(op, s.of(x), full, s.of(column), new int[] {c, 1, 0}, s.of(out), shape));
            p.assertBitIdentical(op + " with a column operand", out);
            p.run((b, s) -> b.binary(op, s.of(column), new int[] {c, 1, 0}, s.of(row), new int[] {0, 0, 1}, s.of(out), shape));
            p.assertBitIdentical(op + " as an outer product", out);
            p.run((b, s) -> b.binary(op, s.of(scalar), new int[] {0, 0, 0}, s.of(x), full, s.of(out), shape));
            p.assertBitIdentical(op + " with a broadcast scalar", out);
            // A transposed operand: no contiguous axis in common, the strided fallback.
            p.run((b, s) -> b.binary(op, s.of(x), new int[] {c * hw, 1, hw}, s.of(x), new int[] {hw * c, c, 1}, s.of(out),
                    new int[] {n, hw, c}));
            p.assertBitIdentical(op + " with a transposed operand", out);
            p.run((b, s) -> b.binaryScalar(op, s.of(x), -0.5f, true, s.of(out), n * c * hw));
            p.assertBitIdentical(op + " scalar first", out);
        }
    }

    @Test
    void copyStridedSplitOverThreadsIsExact() {
        BackendPair p = pair(tested, 0);
        int[] s = {8, 30, 40, 12};
        int total = 8 * 30 * 40 * 12;
        Twin x = p.upload(uniform(5, total, -1, 1));
        Twin out = p.filled(total, Float.NaN);
        // permute(0, 3, 2, 1) and permute(0, 2, 1, 3) of a contiguous [8, 30, 40, 12]
        p.run((b, side) -> b.copyStrided(side.of(x), 0, new int[] {14400, 1, 12, 480}, side.of(out), 0,
                new int[] {14400, 1200, 30, 1}, new int[] {8, 12, 40, 30}));
        p.assertBitIdentical("permute 0321", out);
        p.run((b, side) -> b.copyStrided(side.of(x), 0, new int[] {14400, 12, 480, 1}, side.of(out), 0,
                new int[] {14400, 360, 12, 1}, new int[] {8, 40, 30, 12}));
        p.assertBitIdentical("permute 0213", out);
        assertEquals(total, s[0] * s[1] * s[2] * s[3]);
    }

    @Test
    void reductionsOfLongRowsAndManyColumnsAreAccurate() {
        BackendPair p = pair(tested, 1e-6);
        int n = 300_007;
        // Far from zero: a float running sum of these would be off by ~1e-3 relative.
        Twin x = p.upload(uniform(6, n, 999, 1001));
        Twin out = p.filled(1, Float.NaN);
        p.run((b, s) -> b.reduce(ReduceOp.SUM, s.of(x), s.of(out), 1, n, 1));
        p.assertClose("sum of one long row", out);
        for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
            p.run((b, s) -> b.reduce(op, s.of(x), s.of(out), 1, n, 1));
            p.assertBitIdentical(op + " of one long row", out);
        }
        float[] withNaN = uniform(7, n, -1, 1);
        withNaN[n - 10] = Float.NaN;
        Twin nan = p.upload(withNaN);
        p.run((b, s) -> b.reduce(ReduceOp.MAX, s.of(nan), s.of(out), 1, n, 1));
        p.assertBitIdentical("max with NaN in the last part", out);

        // [outer 3, n 2000, inner 130]: column sums over few slices, split by columns.
        int outer = 3;
        int rows = 2000;
        int inner = 130;
        Twin y = p.upload(uniform(8, outer * rows * inner, 99, 101));
        Twin cols = p.filled(outer * inner, Float.NaN);
        for (ReduceOp op : ReduceOp.values()) {
            p.run((b, s) -> b.reduce(op, s.of(y), s.of(cols), outer, rows, inner));
            p.assertClose(op + " over the middle axis of [3, 2000, 130]", cols);
        }
    }

    @Test
    void softmaxAndBatchNormOnLargeInputs() {
        BackendPair p = pair(tested, 1e-5);
        int outer = 64;
        int n = 1000;
        Twin x = p.upload(uniform(9, outer * n, -30, 30));
        Twin gy = p.upload(uniform(10, outer * n, -1, 1));
        for (boolean log : new boolean[] {false, true}) {
            Twin y = p.filled(outer * n, Float.NaN);
            p.run((b, s) -> b.softmax(s.of(x), s.of(y), outer, n, 1, log));
            p.assertClose("softmax rows, log=" + log, y);
            Twin yRef = p.upload(p.referenceValues(y));
            Twin gx = p.filled(outer * n, Float.NaN);
            p.run((b, s) -> b.softmaxBackward(s.of(yRef), s.of(gy), s.of(gx), outer, n, 1, log));
            p.assertClose("softmax backward rows, log=" + log, gx);
            p.run((b, s) -> b.softmax(s.of(x), s.of(y), 2, 500, 64, log));
            p.assertClose("softmax columns, log=" + log, y);
        }

        int batch = 16;
        int c = 6;
        int hw = 1024;
        int size = batch * c * hw;
        // A mean of 1000 with spread 1: the variance must not come out of E[x²] − E[x]².
        Twin bx = p.upload(uniform(11, size, 999, 1001));
        Twin gamma = p.upload(uniform(12, c, 0.5, 1.5));
        Twin beta = p.upload(uniform(13, c, -1, 1));
        Twin by = p.filled(size, Float.NaN);
        Twin mean = p.filled(c, Float.NaN);
        Twin inv = p.filled(c, Float.NaN);
        p.run((b, s) -> b.batchNormForward(s.of(bx), s.of(gamma), s.of(beta), s.of(by), s.of(mean), s.of(inv), batch, c, hw, 1e-5f));
        p.assertClose("batch norm output", by);
        p.assertClose("batch norm mean", mean, 1e-7);
        p.assertClose("batch norm 1/std", inv, 1e-4);
        Twin bgy = p.upload(uniform(14, size, -1, 1));
        Twin bgx = p.filled(size, Float.NaN);
        Twin gg = p.filled(c, Float.NaN);
        Twin gb = p.filled(c, Float.NaN);
        Twin refMean = p.upload(p.referenceValues(mean));
        Twin refInv = p.upload(p.referenceValues(inv));
        p.run((b, s) -> b.batchNormBackward(s.of(bx), s.of(bgy), s.of(gamma), s.of(refMean), s.of(refInv),
                s.of(bgx), s.of(gg), s.of(gb), batch, c, hw));
        p.assertClose("batch norm input gradient", bgx, 1e-4);
        p.assertClose("batch norm gamma gradient", gg);
        p.assertClose("batch norm beta gradient", gb);
    }

    @Test
    void pairwiseDistancesOfPointsFarFromTheOrigin() {
        int n = 37;
        int d = 300;
        float[] x = uniform(15, n * d, -0.1, 0.1);
        for (int i = 0; i < x.length; i++) {
            x[i] += 1000f;
        }
        for (Backend b : new Backend[] {ONE, tested, scalarTested}) {
            BackendPair p = pair(b, 0);
            Twin in = p.upload(x);
            Twin out = p.filled(n * n, Float.NaN);
            p.run((be, s) -> be.pairwiseSquaredDistances(s.of(in), s.of(out), n, d));
            float[] want = p.referenceValues(out);
            float[] got = p.testedValues(out);
            for (int i = 0; i < n * n; i++) {
                // Per element and relative: the differences are exact in float, only the squares round.
                assertEquals(want[i], got[i], 1e-5 * want[i], "distance " + i / n + "," + i % n + " on " + b);
            }
        }
    }

    @Test
    void randomFillsSplitOverThreadsAreBitIdentical() {
        BackendPair p = pair(tested, 0);
        int n = 100_003;
        Twin out = p.filled(n, Float.NaN);
        p.run((b, s) -> b.randomUniform(s.of(out), n, 42L, 123_456_789_012L, -2f, 3f));
        p.assertBitIdentical("uniform", out);
        p.run((b, s) -> b.randomBernoulli(s.of(out), n, 43L, 99L, 0.3f));
        p.assertBitIdentical("bernoulli", out);
        p.run((b, s) -> b.randomNormal(s.of(out), n, 44L, 7L, 0.5f, 2f));
        p.assertBitIdentical("normal (same scalar code, so even these bits agree)", out);
    }

    @Test
    void scalarOptimiserStepsAreBitIdenticalAndVectorOnesWithinAnUlp() {
        int n = 70_001;
        float[] param = uniform(16, n, -1, 1);
        float[] grad = uniform(17, n, -0.1, 0.1);
        float[] m = uniform(18, n, -0.01, 0.01);
        float[] v = uniform(19, n, 0, 0.001);
        for (boolean amsgrad : new boolean[] {false, true}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                AdamConfig cfg = new AdamConfig(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, amsgrad, 5);
                for (Backend b : new Backend[] {scalarTested, tested}) {
                    BackendPair p = pair(b, 2e-7);
                    Twin tp = p.upload(param);
                    Twin tm = p.upload(m);
                    Twin tv = p.upload(v);
                    Twin tvm = p.upload(v);
                    Twin tg = p.upload(grad);
                    p.run((be, s) -> be.adamStep(s.of(tp), s.of(tg), s.of(tm), s.of(tv), s.of(tvm), n, cfg));
                    String what = "adam amsgrad=" + amsgrad + " decoupled=" + decoupled + " on " + b;
                    if (b == scalarTested) {
                        p.assertBitIdentical(what, tp);
                        p.assertBitIdentical(what + " (v)", tv);
                    } else {
                        p.assertClose(what, tp);
                        p.assertBitIdentical(what + " (m)", tm);
                        p.assertBitIdentical(what + " (v)", tv);
                    }
                }
            }
        }
        SgdConfig sgd = new SgdConfig(0.1f, 0.9f, 0.1f, 1e-4f, true, false);
        for (Backend b : new Backend[] {scalarTested, tested}) {
            BackendPair p = pair(b, 0);
            Twin tp = p.upload(param);
            Twin tg = p.upload(grad);
            Twin tb = p.upload(m);
            p.run((be, s) -> be.sgdStep(s.of(tp), s.of(tg), s.of(tb), n, sgd));
            p.assertBitIdentical("sgd nesterov on " + b, tp);
            p.assertBitIdentical("sgd momentum buffer on " + b, tb);
        }
    }
}
