package org.siftfunnel.kernels.cpu;

import static jdk.incubator.vector.FloatVector.broadcast;
import static jdk.incubator.vector.FloatVector.fromArray;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.ScalarMath;
import org.siftfunnel.engine.backend.UnaryOp;

/**
 * The Vector API kernels, written once for any SIMD width.
 *
 * <p>The Vector API only compiles to SIMD instructions when the species is a compile-time
 * constant, i.e. a {@code static final} field. To get one constant species per width from a
 * single source, this class is a template: {@link SimdSupport} defines it as a <em>hidden
 * class</em> once per width, handing the width in bits over as class data, which
 * {@link #S} reads during class initialisation. Each hidden copy therefore has its own
 * {@code static final} species. The class must never be used directly (its initialiser fails
 * without class data); it is only ever named by {@link SimdSupport}, as a resource.
 *
 * <p>Every loop handles whole vectors and finishes the tail with {@link ScalarMath}, the
 * reference formulas.
 *
 * <p>Exponentials, logarithms and tanh are computed here (see "deterministic elementary
 * functions" below), not with the Vector API's {@code lanewise(EXP)} and friends: those give
 * different last bits before and after C2 compiles a loop (per-lane Java code versus an
 * intrinsic stub), which made training depend on JIT timing. The versions here use only
 * operations that IEEE 754 defines exactly (add, multiply, divide, fused multiply-add,
 * min/max, comparisons, integer bit operations), so every JIT tier gives the same bits.
 * For the same reason sums across lanes add lane by lane in a fixed order instead of using
 * {@code reduceLanes(ADD)}, whose order the Vector API leaves open: C2 adds the lanes of some
 * widths pairwise, the interpreter in sequence.
 *
 * <p>No method here takes or returns a vector, not even to load one or to broadcast a
 * constant: C2 stops inlining small methods once a compilation has grown large (which the
 * elementary functions make likely), and a vector that crosses a call which is not inlined is
 * boxed on the heap, ten times slower.
 */
final class VectorArrayKernels implements ArrayKernels {

    private static final VectorSpecies<Float> S = speciesFromClassData();
    private static final int V = S.length();
    /** Pairs of vectors summed in float before the partial sum moves to the double total. */
    private static final int SUM_BLOCK = 16;
    /** The scalar kernels, for the optimisers' tails. */
    private static final ArrayKernels SCALAR_TAIL = new ScalarArrayKernels();

    VectorArrayKernels() {
    }

    private static VectorSpecies<Float> speciesFromClassData() {
        Integer bits;
        try {
            bits = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, Integer.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("VectorArrayKernels: cannot read its class data", e);
        }
        if (bits == null) {
            throw new IllegalStateException("VectorArrayKernels is a template; load it through SimdSupport");
        }
        return switch (bits) {
            case 0 -> FloatVector.SPECIES_PREFERRED;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalStateException("VectorArrayKernels: unsupported width " + bits + " bits");
        };
    }

    @Override
    public int vectorBits() {
        return S.vectorBitSize();
    }

    /** End of the whole-vector part of [from, to). */
    private static int bound(int from, int to) {
        return from + S.loopBound(to - from);
    }

    // ================================================================ deterministic elementary functions

    /*
     * Single-precision e^x, e^x − 1, ln x, ln(1 + x), tanh x and the logistic function from
     * IEEE-exact operations only (see the class comment), within about one ulp over the whole
     * float range (DeterministicMathTest measures them against Math in double).
     *
     * Each reads one vector from src[i ..] and writes the result to dst[j ..], which may be the
     * same slot; no vector enters or leaves them. Loops call them through a slot of their output
     * array: a vector that crosses a call C2 does not inline lives on the heap (ten times slower),
     * and C2 declines to inline a method of this size whenever it was compiled on its own first
     * or the caller has grown large. Through an array slot a missed inlining costs one call per
     * vector instead. For the same reason they call no vector-valued helper of this class.
     */

    private static final float LOG2E = 1.442695f;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so k·LN2_HI is exact for |k| < 2^15. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.1219444e-4f;
    /** Adding 1.5·2^23 rounds any |t| < 2^22 to the nearest integer, which then fills the low mantissa bits. */
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    /** Bit pattern of √½ rounded to float: where the logarithm splits mantissas. */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final int EXPONENT_BIAS = 127;
    private static final int MANTISSA_BITS = 23;
    private static final int SIGN_BIT = 0x80000000;

    /** e^x: 0 below −103.97 and +∞ above 88.72, as in float; NaN stays NaN. */
    private static void exp(float[] src, int i, float[] dst, int j) {
        // Clamping keeps k = round(x/ln 2) in [−150, 128], within reach of the two-step scaling
        // below, while still underflowing to 0 and overflowing to +∞. max/min keep NaN.
        FloatVector x = fromArray(S, src, i).max(-104f).min(89f);
        FloatVector t = x.fma(LOG2E, ROUNDER);
        FloatVector k = t.sub(ROUNDER);
        // r = x − k·ln 2 in [−0.35, 0.35] (Cody–Waite: the first step is exact, the second rounds once).
        FloatVector r = k.fma(broadcast(S, -LN2_LO), x.sub(k.mul(LN2_HI)));
        // e^r − 1 by its Taylor series to r^8 (remainder below 2^-28 relative).
        FloatVector series = r.fma(1f / 40320, 1f / 5040)
                .fma(r, broadcast(S, 1f / 720))
                .fma(r, broadcast(S, 1f / 120))
                .fma(r, broadcast(S, 1f / 24))
                .fma(r, broadcast(S, 1f / 6))
                .fma(r, broadcast(S, 0.5f));
        FloatVector p = r.mul(r).fma(series, r).add(1f);
        // p·2^k = p·2^(k/2)·2^(k − k/2): both factors are normal floats, written straight into the
        // exponent field, and only the last product rounds (once, also to a subnormal).
        IntVector kBits = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = kBits.lanewise(VectorOperators.ASHR, 1);
        FloatVector scale1 = half.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS)
                .reinterpretAsFloats();
        FloatVector scale2 = kBits.sub(half).add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS)
                .reinterpretAsFloats();
        p.mul(scale1).mul(scale2).intoArray(dst, j);
    }

    /** e^x − 1, accurate in relative terms also for tiny |x|: −1 below −17.4, +∞ above 88.72. */
    private static void expm1(float[] src, int i, float[] dst, int j) {
        FloatVector in = fromArray(S, src, i);
        FloatVector x = in.max(-26f).min(89f);
        FloatVector t = x.fma(LOG2E, ROUNDER);
        FloatVector k = t.sub(ROUNDER);
        FloatVector r = k.fma(broadcast(S, -LN2_LO), x.sub(k.mul(LN2_HI)));
        FloatVector series = r.fma(1f / 40320, 1f / 5040)
                .fma(r, broadcast(S, 1f / 720))
                .fma(r, broadcast(S, 1f / 120))
                .fma(r, broadcast(S, 1f / 24))
                .fma(r, broadcast(S, 1f / 6))
                .fma(r, broadcast(S, 0.5f));
        FloatVector em1 = r.mul(r).fma(series, r);
        // e^x − 1 = 2^k·(e^r − 1) + (2^k − 1) = 2·(h·(e^r − 1) + (h − ½)) with h = 2^(k−1),
        // a normal float for every k in [−38, 128] (2^128 is not).
        FloatVector h = t.reinterpretAsInts().sub(ROUNDER_BITS + 1).add(EXPONENT_BIAS)
                .lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats();
        FloatVector scaled = h.fma(em1, h.sub(0.5f)).mul(2f);
        // k = 0 needs no scaling (which would round subnormal results); ±0 keep their sign.
        scaled.blend(em1, k.compare(VectorOperators.EQ, 0f))
                .blend(in, in.compare(VectorOperators.EQ, 0f))
                .intoArray(dst, j);
    }

    /**
     * ln(a + x) for a = 0 (ln x) or 1 (ln(1 + x), accurate in relative terms also for tiny |x|):
     * NaN where a + x < 0, −∞ where it is 0, +∞ at +∞.
     *
     * <p>With u = a + x rounded and c = (a + x) − u exactly (two-sum), ln(a + x) = ln u + c/u to
     * first order. With u = m·2^e, m in [√½, √2), f = m − 1 (exact) and s = f/(2 + f):
     * ln m = 2·atanh s = f − (f²/2 − s·(f²/2 + R(s²))), arranged as in fdlibm so that the exact
     * f carries the leading term.
     */
    private static void log(float[] src, int i, float[] dst, int j, float a) {
        FloatVector x = fromArray(S, src, i);
        FloatVector u = x.add(a);
        FloatVector aPart = u.sub(x);
        FloatVector c = broadcast(S, a).sub(aPart).add(x.sub(u.sub(aPart))).div(u);
        VectorMask<Float> subnormal = u.compare(VectorOperators.LT, Float.MIN_NORMAL);
        IntVector bits = u.mul(broadcast(S, 1f).blend(0x1p23f, subnormal)).reinterpretAsInts()
                .sub(SQRT_HALF_BITS);
        FloatVector e = ((FloatVector) bits.lanewise(VectorOperators.ASHR, MANTISSA_BITS)
                .convert(VectorOperators.I2F, 0))
                .sub(broadcast(S, 0f).blend(23f, subnormal));
        FloatVector f = bits.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        // R = 2z/3 + 2z²/5 + 2z³/7 + 2z⁴/9 (z ≤ 0.0295: the next term is below 2^-28 relative).
        FloatVector poly = z.fma(2f / 9, 2f / 7)
                .fma(z, broadcast(S, 2f / 5))
                .fma(z, broadcast(S, 2f / 3))
                .mul(z);
        FloatVector halfSquare = f.mul(f).mul(0.5f);
        FloatVector low = s.fma(halfSquare.add(poly), e.fma(broadcast(S, LN2_LO), c));
        // ln(1 ± 0) keeps the sign of the zero; for ln x the −∞ below replaces it.
        e.fma(broadcast(S, LN2_HI), f.sub(halfSquare.sub(low)))
                .blend(x, x.compare(VectorOperators.EQ, 0f))
                .blend(Float.NaN, u.compare(VectorOperators.LT, 0f))
                .blend(Float.NEGATIVE_INFINITY, u.compare(VectorOperators.EQ, 0f))
                .blend(u, u.compare(VectorOperators.LT, Float.POSITIVE_INFINITY).not())
                .intoArray(dst, j);
    }

    /**
     * tanh x, with the sign of x (−0 included). Below |x| = 0.35 an odd Taylor polynomial (terms
     * to x^13; the next is below 2^-30 relative), where E = e^(2|x|) − 1 below would carry its
     * own rounding into the result at full weight. Above, tanh|x| = E/(E + 2), where the
     * rounding of E + 2 and of the quotient would add up to 1.5 ulp, so both are corrected: with
     * d = E + 2 rounded, δ its exact error (two-sum) and q = E/d rounded,
     * E/(d + δ) = q + (E − q·d − q·δ)/d to first order, E − q·d being exact in one fma.
     */
    private static void tanh(float[] src, int i, float[] dst, int j) {
        FloatVector x = fromArray(S, src, i);
        // tanh rounds to 1 in float beyond |x| = 9.01; clamping at 10 keeps E finite. min keeps NaN.
        FloatVector a = x.abs().min(10f);
        a.add(a).intoArray(dst, j);
        expm1(dst, j, dst, j);
        FloatVector e = fromArray(S, dst, j);
        FloatVector d = e.add(2f);
        FloatVector dMinusE = d.sub(e);
        FloatVector delta = e.sub(d.sub(dMinusE)).add(broadcast(S, 2f).sub(dMinusE));
        FloatVector q = e.div(d);
        FloatVector remainder = q.neg().fma(d, e);
        FloatVector large = q.neg().fma(delta, remainder).div(d).add(q);
        FloatVector z = a.mul(a);
        FloatVector series = z.fma(21844f / 6081075, -1382f / 155925)
                .fma(z, broadcast(S, 62f / 2835))
                .fma(z, broadcast(S, -17f / 315))
                .fma(z, broadcast(S, 2f / 15))
                .fma(z, broadcast(S, -1f / 3));
        FloatVector t = large.blend(a.mul(z).fma(series, a), a.compare(VectorOperators.LT, 0.35f));
        t.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats().intoArray(dst, j);
    }

    /**
     * The logistic function without overflow: with e = exp(−|x|), σ(x) = 1/(1+e) for x ≥ 0 and
     * e/(1+e) for x < 0, which also keeps full relative accuracy for very negative x.
     */
    private static void sigmoid(float[] src, int i, float[] dst, int j) {
        FloatVector x = fromArray(S, src, i);
        x.abs().neg().intoArray(dst, j);
        exp(dst, j, dst, j);
        FloatVector e = fromArray(S, dst, j);
        FloatVector r = broadcast(S, 1f).div(e.add(1f));
        r.blend(e.mul(r), x.compare(VectorOperators.LT, 0f)).intoArray(dst, j);
    }

    /**
     * σ'(x) = σ(x)·σ(−x) = e/(1+e)² with e = exp(−|x|): free of the cancellation in 1 − σ(x)
     * that costs σ(x)·(1 − σ(x)) its relative accuracy for large |x|.
     */
    private static void sigmoidSlope(float[] src, int i, float[] dst, int j) {
        fromArray(S, src, i).abs().neg().intoArray(dst, j);
        exp(dst, j, dst, j);
        FloatVector e = fromArray(S, dst, j);
        FloatVector r = broadcast(S, 1f).div(e.add(1f));
        e.mul(r).mul(r).intoArray(dst, j);
    }

    // ================================================================ elementwise: forward

    @Override
    public void unary(UnaryOp op, float[] x, float[] out, int from, int to, float p0, float p1) {
        int i = switch (op) {
            case NEG, ABS, SQUARE, RECIPROCAL, SIGN, SQRT -> algebraic(op, x, out, from, to);
            case EXP, LOG, TANH -> transcendental(op, x, out, from, to);
            case RELU -> relu(x, out, from, to);
            case LEAKY_RELU -> leakyRelu(x, out, from, to, p0);
            case SILU, SIGMOID -> sigmoidFamily(op == UnaryOp.SILU, x, out, from, to);
            case SOFTPLUS -> softplus(x, out, from, to, p0, p1);
            case ELU -> elu(x, out, from, to, p0);
            case CLAMP -> clamp(x, out, from, to, p0, p1);
            case POW -> pow(x, out, from, to, p0);
        };
        for (; i < to; i++) {
            out[i] = ScalarMath.unary(op, x[i], p0, p1);
        }
    }

    /** Each loop below returns where it stopped; the caller finishes with scalar code. */
    private static int algebraic(UnaryOp op, float[] x, float[] out, int from, int to) {
        int i = from;
        int upper = bound(from, to);
        FloatVector one = broadcast(S, 1f);
        FloatVector minusOne = broadcast(S, -1f);
        for (; i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            FloatVector r = switch (op) {
                case NEG -> v.neg();
                case ABS -> v.abs();
                case SQUARE -> v.mul(v);
                case RECIPROCAL -> one.div(v);
                case SQRT -> v.sqrt();
                default -> v.blend(one, v.compare(VectorOperators.GT, 0f)).blend(minusOne, v.compare(VectorOperators.LT, 0f));
            };
            r.intoArray(out, i);
        }
        return i;
    }

    /** EXP, LOG and TANH: one loop each around its elementary function, with no switch inside. */
    private static int transcendental(UnaryOp op, float[] x, float[] out, int from, int to) {
        return switch (op) {
            case EXP -> expLoop(x, out, from, to);
            case LOG -> logLoop(x, out, from, to);
            default -> tanhLoop(x, out, from, to);
        };
    }

    static int expLoop(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            exp(x, i, out, i);
        }
        return i;
    }

    static int logLoop(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            log(x, i, out, i, 0f);
        }
        return i;
    }

    static int tanhLoop(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            tanh(x, i, out, i);
        }
        return i;
    }

    /*
     * e^x − 1 and ln(1 + x) have no unary op of their own (ELU and softplus use them for part
     * of the range only); these two loops give the accuracy tests the whole float range,
     * through reflection on the hidden class.
     */

    static int expm1Loop(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            expm1(x, i, out, i);
        }
        return i;
    }

    static int log1pLoop(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            log(x, i, out, i, 1f);
        }
        return i;
    }

    private static int relu(float[] x, float[] out, int from, int to) {
        int i = from;
        FloatVector zero = broadcast(S, 0f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            // x <= 0 is false for NaN, which therefore passes through, as in ScalarMath.
            v.blend(zero, v.compare(VectorOperators.LE, 0f)).intoArray(out, i);
        }
        return i;
    }

    private static int leakyRelu(float[] x, float[] out, int from, int to, float slope) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        return i;
    }

    /*
     * The loops below compute their elementary functions in the slot of the output they are
     * about to write (see "deterministic elementary functions"), after loading every input of
     * that slot: out may be x, and gx may be x or gy.
     */

    private static int sigmoidFamily(boolean silu, float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            sigmoid(x, i, out, i);
            FloatVector s = fromArray(S, out, i);
            (silu ? v.mul(s) : s).intoArray(out, i);
        }
        return i;
    }

    /** softplus(x) = log(1 + exp(βx))/β, as max(z, 0) + log1p(exp(−|z|)) with z = βx (no overflow). */
    private static int softplus(float[] x, float[] out, int from, int to, float beta, float threshold) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            FloatVector z = v.mul(beta);
            z.abs().neg().intoArray(out, i);
            exp(out, i, out, i);
            log(out, i, out, i, 1f);
            FloatVector soft = z.max(0f).add(fromArray(S, out, i)).div(beta);
            soft.blend(v, z.compare(VectorOperators.GT, threshold)).intoArray(out, i);
        }
        return i;
    }

    private static int elu(float[] x, float[] out, int from, int to, float alpha) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            expm1(x, i, out, i);
            fromArray(S, out, i).mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        return i;
    }

    private static int clamp(float[] x, float[] out, int from, int to, float lo, float hi) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            // max/min propagate NaN, as ScalarMath's clamp does.
            fromArray(S, x, i).max(lo).min(hi).intoArray(out, i);
        }
        return i;
    }

    /** Exponents 1 and 2 are exact in vector form; any other exponent is left to Math.pow (scalar tail). */
    private static int pow(float[] x, float[] out, int from, int to, float exponent) {
        if (exponent != 1f && exponent != 2f) {
            return from;
        }
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            (exponent == 2f ? v.mul(v) : v).intoArray(out, i);
        }
        return i;
    }

    // ================================================================ elementwise: backward

    @Override
    public void unaryBackward(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int from, int to,
                              float p0, float p1) {
        int i = switch (op) {
            case EXP, SQRT, SIGMOID, TANH -> fromOutput(op, x, y, gy, gx, from, to);
            case POW -> p0 == 0f || p0 == 1f || p0 == 2f ? derivative(op, x, gy, gx, from, to, p0, p1) : from;
            default -> derivative(op, x, gy, gx, from, to, p0, p1);
        };
        for (; i < to; i++) {
            gx[i] = gy[i] * ScalarMath.derivative(op, x[i], y == null ? Float.NaN : y[i], p0, p1);
        }
    }

    /**
     * Derivatives that are cheapest from the forward output y. Without y, the forward output
     * (for SIGMOID directly the slope) is first computed into the slot of gx.
     */
    private static int fromOutput(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int from, int to) {
        int i = from;
        FloatVector one = broadcast(S, 1f);
        float[] forward = y != null ? y : gx;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector g = fromArray(S, gy, i);
            if (y == null) {
                switch (op) {
                    case EXP -> exp(x, i, gx, i);
                    case SQRT -> fromArray(S, x, i).sqrt().intoArray(gx, i);
                    case SIGMOID -> sigmoidSlope(x, i, gx, i);
                    default -> tanh(x, i, gx, i);
                }
                if (op == UnaryOp.SIGMOID) {
                    g.mul(fromArray(S, gx, i)).intoArray(gx, i);
                    continue;
                }
            }
            FloatVector out = fromArray(S, forward, i);
            FloatVector d = switch (op) {
                case EXP -> out;
                case SQRT -> broadcast(S, 0.5f).div(out);
                case SIGMOID -> out.mul(one.sub(out));
                default -> one.sub(out.mul(out));
            };
            g.mul(d).intoArray(gx, i);
        }
        return i;
    }

    /**
     * Derivatives computed from x alone, written like ScalarMath.derivative, one loop per op:
     * C2 keeps vectors in registers only when no value of vector type has to merge from many
     * branches or cross a call that is not inlined.
     */
    private static int derivative(UnaryOp op, float[] x, float[] gy, float[] gx, int from, int to, float p0, float p1) {
        return switch (op) {
            case NEG -> negGrad(gy, gx, from, to);
            case LOG, RECIPROCAL -> reciprocalGrad(op == UnaryOp.LOG, x, gy, gx, from, to);
            case ABS -> absGrad(x, gy, gx, from, to);
            case SQUARE -> scaleGrad(2f, x, gy, gx, from, to);
            case SIGN -> constantGrad(0f, gy, gx, from, to);
            case RELU -> stepGrad(x, gy, gx, from, to, 0f);
            case LEAKY_RELU -> stepGrad(x, gy, gx, from, to, p0);
            case SILU -> siluGrad(x, gy, gx, from, to);
            case SOFTPLUS -> softplusGrad(x, gy, gx, from, to, p0, p1);
            case ELU -> eluGrad(x, gy, gx, from, to, p0);
            case CLAMP -> clampGrad(x, gy, gx, from, to, p0, p1);
            // Only exponents 0, 1 and 2 come here: p0·x^(p0−1) is 0, 1 and 2x.
            case POW -> p0 == 2f ? scaleGrad(2f, x, gy, gx, from, to) : constantGrad(p0 == 0f ? 0f : 1f, gy, gx, from, to);
            default -> throw new IllegalStateException("no vector derivative for " + op);
        };
    }

    private static int negGrad(float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            fromArray(S, gy, i).mul(-1f).intoArray(gx, i);
        }
        return i;
    }

    /** LOG: gy·(1/x); RECIPROCAL: gy·(−1/(x·x)). */
    private static int reciprocalGrad(boolean log, float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        FloatVector numerator = broadcast(S, log ? 1f : -1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            fromArray(S, gy, i).mul(numerator.div(log ? v : v.mul(v))).intoArray(gx, i);
        }
        return i;
    }

    private static int absGrad(float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        FloatVector one = broadcast(S, 1f);
        FloatVector minusOne = broadcast(S, -1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            FloatVector sign = v.blend(one, v.compare(VectorOperators.GT, 0f)).blend(minusOne, v.compare(VectorOperators.LT, 0f));
            fromArray(S, gy, i).mul(sign).intoArray(gx, i);
        }
        return i;
    }

    /** gy·(c·x). */
    private static int scaleGrad(float c, float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            fromArray(S, gy, i).mul(fromArray(S, x, i).mul(c)).intoArray(gx, i);
        }
        return i;
    }

    /** gy·c (multiplied, so that gy = ±∞ or NaN gives NaN for c = 0, as in ScalarMath). */
    private static int constantGrad(float c, float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            fromArray(S, gy, i).mul(c).intoArray(gx, i);
        }
        return i;
    }

    /** gy·(x > 0 ? 1 : slope): ReLU (slope 0) and leaky ReLU. */
    private static int stepGrad(float[] x, float[] gy, float[] gx, int from, int to, float slope) {
        int i = from;
        FloatVector one = broadcast(S, 1f);
        FloatVector low = broadcast(S, slope);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector d = low.blend(one, fromArray(S, x, i).compare(VectorOperators.GT, 0f));
            fromArray(S, gy, i).mul(d).intoArray(gx, i);
        }
        return i;
    }

    private static int siluGrad(float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            FloatVector g = fromArray(S, gy, i);
            sigmoid(x, i, gx, i);
            FloatVector s = fromArray(S, gx, i);
            g.mul(s.mul(v.mul(s.neg().add(1f)).add(1f))).intoArray(gx, i);
        }
        return i;
    }

    private static int softplusGrad(float[] x, float[] gy, float[] gx, int from, int to, float beta, float threshold) {
        int i = from;
        FloatVector one = broadcast(S, 1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector z = fromArray(S, x, i).mul(beta);
            FloatVector g = fromArray(S, gy, i);
            z.intoArray(gx, i);
            sigmoid(gx, i, gx, i);
            g.mul(fromArray(S, gx, i).blend(one, z.compare(VectorOperators.GT, threshold))).intoArray(gx, i);
        }
        return i;
    }

    private static int eluGrad(float[] x, float[] gy, float[] gx, int from, int to, float alpha) {
        int i = from;
        FloatVector one = broadcast(S, 1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            FloatVector g = fromArray(S, gy, i);
            exp(x, i, gx, i);
            FloatVector d = fromArray(S, gx, i).mul(alpha).blend(one, v.compare(VectorOperators.GT, 0f));
            g.mul(d).intoArray(gx, i);
        }
        return i;
    }

    private static int clampGrad(float[] x, float[] gy, float[] gx, int from, int to, float lo, float hi) {
        int i = from;
        FloatVector one = broadcast(S, 1f);
        FloatVector zero = broadcast(S, 0f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            FloatVector d = zero.blend(one, v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)));
            fromArray(S, gy, i).mul(d).intoArray(gx, i);
        }
        return i;
    }

    // ================================================================ binary

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        if (op != BinaryOp.POW) {
            FloatVector one = broadcast(S, 1f);
            FloatVector zero = broadcast(S, 0f);
            for (int upper = S.loopBound(n); i < upper; i += V) {
                FloatVector va = fromArray(S, a, aOff + i);
                FloatVector vb = fromArray(S, b, bOff + i);
                FloatVector r = switch (op) {
                    case ADD -> va.add(vb);
                    case SUB -> va.sub(vb);
                    case MUL -> va.mul(vb);
                    case DIV -> va.div(vb);
                    case MAX -> va.max(vb);
                    case MIN -> va.min(vb);
                    case GT -> zero.blend(one, va.compare(VectorOperators.GT, vb));
                    case GE -> zero.blend(one, va.compare(VectorOperators.GE, vb));
                    case LT -> zero.blend(one, va.compare(VectorOperators.LT, vb));
                    case LE -> zero.blend(one, va.compare(VectorOperators.LE, vb));
                    case EQ -> zero.blend(one, va.compare(VectorOperators.EQ, vb));
                    case NE -> zero.blend(one, va.compare(VectorOperators.NE, vb));
                    case POW -> throw new IllegalStateException("binary POW has no vector form");
                };
                r.intoArray(out, outOff + i);
            }
        }
        for (; i < n; i++) {
            out[outOff + i] = ScalarMath.binary(op, a[aOff + i], b[bOff + i]);
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, float[] x, int xOff, float s, boolean scalarFirst, float[] out, int outOff, int n) {
        int i = op == BinaryOp.POW ? 0
                : scalarFirst ? scalarFirst(op, s, x, xOff, out, outOff, n) : scalarSecond(op, x, xOff, s, out, outOff, n);
        for (; i < n; i++) {
            float v = x[xOff + i];
            out[outOff + i] = scalarFirst ? ScalarMath.binary(op, s, v) : ScalarMath.binary(op, v, s);
        }
    }

    /*
     * The three binary loops repeat the same switch inside the loop body on purpose: moved into
     * a helper method taking and returning vectors, C2 stops inlining it once several ops have
     * run, and every vector is then boxed on the heap (ten times slower).
     */

    /** {@code op(a[i], s)} over whole vectors; returns where the scalar tail starts. */
    private static int scalarSecond(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector one = broadcast(S, 1f);
        FloatVector zero = broadcast(S, 0f);
        FloatVector vb = broadcast(S, s);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += V) {
            FloatVector va = fromArray(S, a, aOff + i);
            FloatVector r = switch (op) {
                case ADD -> va.add(vb);
                case SUB -> va.sub(vb);
                case MUL -> va.mul(vb);
                case DIV -> va.div(vb);
                case MAX -> va.max(vb);
                case MIN -> va.min(vb);
                case GT -> zero.blend(one, va.compare(VectorOperators.GT, vb));
                case GE -> zero.blend(one, va.compare(VectorOperators.GE, vb));
                case LT -> zero.blend(one, va.compare(VectorOperators.LT, vb));
                case LE -> zero.blend(one, va.compare(VectorOperators.LE, vb));
                case EQ -> zero.blend(one, va.compare(VectorOperators.EQ, vb));
                case NE -> zero.blend(one, va.compare(VectorOperators.NE, vb));
                case POW -> throw new IllegalStateException("binary POW has no vector form");
            };
            r.intoArray(out, outOff + i);
        }
        return i;
    }

    /** {@code op(s, b[i])} over whole vectors; returns where the scalar tail starts. */
    private static int scalarFirst(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector one = broadcast(S, 1f);
        FloatVector zero = broadcast(S, 0f);
        FloatVector va = broadcast(S, s);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += V) {
            FloatVector vb = fromArray(S, b, bOff + i);
            FloatVector r = switch (op) {
                case ADD -> va.add(vb);
                case SUB -> va.sub(vb);
                case MUL -> va.mul(vb);
                case DIV -> va.div(vb);
                case MAX -> va.max(vb);
                case MIN -> va.min(vb);
                case GT -> zero.blend(one, va.compare(VectorOperators.GT, vb));
                case GE -> zero.blend(one, va.compare(VectorOperators.GE, vb));
                case LT -> zero.blend(one, va.compare(VectorOperators.LT, vb));
                case LE -> zero.blend(one, va.compare(VectorOperators.LE, vb));
                case EQ -> zero.blend(one, va.compare(VectorOperators.EQ, vb));
                case NE -> zero.blend(one, va.compare(VectorOperators.NE, vb));
                case POW -> throw new IllegalStateException("binary POW has no vector form");
            };
            r.intoArray(out, outOff + i);
        }
        return i;
    }

    // ================================================================ reductions

    @Override
    public double sum(float[] x, int off, int n) {
        double total = 0;
        int i = off;
        int upper = off + n / (2 * V) * (2 * V);
        while (i < upper) {
            // Float partial sums over short blocks keep the rounding error of each block small.
            int blockEnd = Math.min(upper, i + SUM_BLOCK * 2 * V);
            FloatVector acc0 = broadcast(S, 0f);
            FloatVector acc1 = broadcast(S, 0f);
            for (; i < blockEnd; i += 2 * V) {
                acc0 = acc0.add(fromArray(S, x, i));
                acc1 = acc1.add(fromArray(S, x, i + V));
            }
            FloatVector acc = acc0.add(acc1);
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (; i < off + n; i++) {
            total += x[i];
        }
        return total;
    }

    @Override
    public float extremum(ReduceOp op, float[] x, int off, int n) {
        boolean max = op == ReduceOp.MAX;
        float start = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        FloatVector acc = broadcast(S, start);
        int i = off;
        for (int upper = off + S.loopBound(n); i < upper; i += V) {
            FloatVector v = fromArray(S, x, i);
            acc = max ? acc.max(v) : acc.min(v);
        }
        if (acc.test(VectorOperators.IS_NAN).anyTrue()) {
            return Float.NaN;
        }
        float m = acc.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
        for (; i < off + n; i++) {
            float v = x[i];
            if (Float.isNaN(v)) {
                return v;
            }
            if (max ? v > m : v < m) {
                m = v;
            }
        }
        return m;
    }

    @Override
    public void reduceColumns(ReduceOp op, float[] x, int off, int n, int stride, float[] out, int outOff, int width) {
        int i = 0;
        if (op == ReduceOp.SUM) {
            for (; i + 4 * V <= width; i += 4 * V) {
                sumColumns4(x, off + i, n, stride, out, outOff + i);
            }
            for (; i + V <= width; i += V) {
                sumColumns1(x, off + i, n, stride, out, outOff + i);
            }
            for (; i < width; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += x[off + j * stride + i];
                }
                out[outOff + i] = (float) s;
            }
            return;
        }
        boolean max = op == ReduceOp.MAX;
        float start = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (; i + V <= width; i += V) {
            FloatVector acc = broadcast(S, start);
            for (int j = 0; j < n; j++) {
                FloatVector v = fromArray(S, x, off + j * stride + i);
                acc = max ? acc.max(v) : acc.min(v);
            }
            acc.intoArray(out, outOff + i);
        }
        for (; i < width; i++) {
            float m = start;
            for (int j = 0; j < n; j++) {
                float v = x[off + j * stride + i];
                if (Float.isNaN(v)) {
                    m = v;
                    break;
                }
                if (max ? v > m : v < m) {
                    m = v;
                }
            }
            out[outOff + i] = m;
        }
    }

    /**
     * Kahan-compensated column sums of four adjacent vectors of columns (one 4V-wide strip read
     * row by row): compensation keeps float accumulation as accurate as a double one.
     */
    private static void sumColumns4(float[] x, int off, int n, int stride, float[] out, int outOff) {
        FloatVector s0 = broadcast(S, 0f), s1 = broadcast(S, 0f), s2 = broadcast(S, 0f), s3 = broadcast(S, 0f);
        FloatVector c0 = broadcast(S, 0f), c1 = broadcast(S, 0f), c2 = broadcast(S, 0f), c3 = broadcast(S, 0f);
        for (int j = 0, at = off; j < n; j++, at += stride) {
            FloatVector y0 = fromArray(S, x, at).sub(c0);
            FloatVector y1 = fromArray(S, x, at + V).sub(c1);
            FloatVector y2 = fromArray(S, x, at + 2 * V).sub(c2);
            FloatVector y3 = fromArray(S, x, at + 3 * V).sub(c3);
            FloatVector t0 = s0.add(y0);
            FloatVector t1 = s1.add(y1);
            FloatVector t2 = s2.add(y2);
            FloatVector t3 = s3.add(y3);
            c0 = t0.sub(s0).sub(y0);
            c1 = t1.sub(s1).sub(y1);
            c2 = t2.sub(s2).sub(y2);
            c3 = t3.sub(s3).sub(y3);
            s0 = t0;
            s1 = t1;
            s2 = t2;
            s3 = t3;
        }
        s0.intoArray(out, outOff);
        s1.intoArray(out, outOff + V);
        s2.intoArray(out, outOff + 2 * V);
        s3.intoArray(out, outOff + 3 * V);
    }

    private static void sumColumns1(float[] x, int off, int n, int stride, float[] out, int outOff) {
        FloatVector s = broadcast(S, 0f);
        FloatVector c = broadcast(S, 0f);
        for (int j = 0, at = off; j < n; j++, at += stride) {
            FloatVector y = fromArray(S, x, at).sub(c);
            FloatVector t = s.add(y);
            c = t.sub(s).sub(y);
            s = t;
        }
        s.intoArray(out, outOff);
    }

    // ================================================================ softmax

    @Override
    public void softmaxRow(float[] x, float[] y, int off, int n, boolean log) {
        float m = extremum(ReduceOp.MAX, x, off, n);
        FloatVector mv = broadcast(S, m);
        double total = 0;
        int i = off;
        int upper = off + S.loopBound(n);
        while (i < upper) {
            int blockEnd = Math.min(upper, i + SUM_BLOCK * V);
            FloatVector acc = broadcast(S, 0f);
            for (; i < blockEnd; i += V) {
                // e^(x − m) is computed in y's slot; log-softmax then puts x − m back there for
                // the second pass (y may be x).
                FloatVector d = fromArray(S, x, i).sub(mv);
                d.intoArray(y, i);
                exp(y, i, y, i);
                acc = acc.add(fromArray(S, y, i));
                if (log) {
                    d.intoArray(y, i);
                }
            }
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (int t = i; t < off + n; t++) {
            double e = Math.exp(x[t] - m);
            total += e;
            if (!log) {
                y[t] = (float) e;
            }
        }
        if (log) {
            float logSum = (float) Math.log(total);
            int j = off;
            for (; j < upper; j += V) {
                fromArray(S, y, j).sub(logSum).intoArray(y, j);
            }
            for (; j < off + n; j++) {
                y[j] = (float) ((double) x[j] - m - Math.log(total));
            }
        } else {
            float sum = (float) total;
            int j = off;
            for (; j < upper; j += V) {
                fromArray(S, y, j).div(sum).intoArray(y, j);
            }
            for (; j < off + n; j++) {
                y[j] = (float) (y[j] / total);
            }
        }
    }

    @Override
    public void softmaxColumns(float[] x, float[] y, int off, int n, int stride, int width, boolean log) {
        int i = 0;
        for (; i + V <= width; i += V) {
            int base = off + i;
            FloatVector m = broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                m = m.max(fromArray(S, x, base + j * stride));
            }
            FloatVector s = broadcast(S, 0f);
            FloatVector c = broadcast(S, 0f);
            for (int j = 0; j < n; j++) {
                // e^(x − m) in y's slot, where softmax keeps it; log-softmax puts x − m back
                // (y may be x).
                int q = base + j * stride;
                FloatVector d = fromArray(S, x, q).sub(m);
                d.intoArray(y, q);
                exp(y, q, y, q);
                FloatVector t = fromArray(S, y, q).sub(c);
                if (log) {
                    d.intoArray(y, q);
                }
                FloatVector sum = s.add(t);
                c = sum.sub(s).sub(t);
                s = sum;
            }
            if (log) {
                // ln s through the first row's slot, whose x − m is set aside meanwhile.
                FloatVector first = fromArray(S, y, base);
                s.intoArray(y, base);
                log(y, base, y, base, 0f);
                FloatVector logS = fromArray(S, y, base);
                first.intoArray(y, base);
                for (int j = 0; j < n; j++) {
                    int q = base + j * stride;
                    fromArray(S, y, q).sub(logS).intoArray(y, q);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int q = base + j * stride;
                    fromArray(S, y, q).div(s).intoArray(y, q);
                }
            }
        }
        for (; i < width; i++) {
            softmaxScalarColumn(x, y, off + i, n, stride, log);
        }
    }

    private static void softmaxScalarColumn(float[] x, float[] y, int base, int n, int stride, boolean log) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, x[base + j * stride]);
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(x[base + j * stride] - m);
        }
        double logS = Math.log(s);
        for (int j = 0; j < n; j++) {
            double v = x[base + j * stride] - m;
            y[base + j * stride] = (float) (log ? v - logS : Math.exp(v) / s);
        }
    }

    @Override
    public void softmaxBackwardRow(float[] y, float[] gy, float[] gx, int off, int n, boolean log) {
        double total = 0;
        int i = off;
        int upper = off + S.loopBound(n);
        while (i < upper) {
            int blockEnd = Math.min(upper, i + SUM_BLOCK * V);
            FloatVector acc = broadcast(S, 0f);
            for (; i < blockEnd; i += V) {
                FloatVector g = fromArray(S, gy, i);
                acc = log ? acc.add(g) : g.fma(fromArray(S, y, i), acc);
            }
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (; i < off + n; i++) {
            total += log ? gy[i] : (double) gy[i] * y[i];
        }
        float s = (float) total;
        int j = off;
        for (; j < upper; j += V) {
            FloatVector g = fromArray(S, gy, j);
            if (log) {
                exp(y, j, gx, j);
                g.sub(fromArray(S, gx, j).mul(s)).intoArray(gx, j);
            } else {
                fromArray(S, y, j).mul(g.sub(s)).intoArray(gx, j);
            }
        }
        for (; j < off + n; j++) {
            gx[j] = (float) (log ? gy[j] - Math.exp(y[j]) * total : y[j] * (gy[j] - total));
        }
    }

    @Override
    public void softmaxBackwardColumns(float[] y, float[] gy, float[] gx, int off, int n, int stride, int width,
                                       boolean log) {
        int i = 0;
        for (; i + V <= width; i += V) {
            int base = off + i;
            FloatVector s = broadcast(S, 0f);
            FloatVector c = broadcast(S, 0f);
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                FloatVector term = log ? fromArray(S, gy, q) : fromArray(S, gy, q).mul(fromArray(S, y, q));
                FloatVector t = term.sub(c);
                FloatVector sum = s.add(t);
                c = sum.sub(s).sub(t);
                s = sum;
            }
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                FloatVector g = fromArray(S, gy, q);
                if (log) {
                    exp(y, q, gx, q);
                    g.sub(fromArray(S, gx, q).mul(s)).intoArray(gx, q);
                } else {
                    fromArray(S, y, q).mul(g.sub(s)).intoArray(gx, q);
                }
            }
        }
        for (; i < width; i++) {
            int base = off + i;
            double s = 0;
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                s += log ? gy[q] : (double) gy[q] * y[q];
            }
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                gx[q] = (float) (log ? gy[q] - Math.exp(y[q]) * s : y[q] * (gy[q] - s));
            }
        }
    }

    // ================================================================ batch-norm pieces

    @Override
    public double sumSquaredDeviations(float[] x, int off, int n, float mean) {
        double total = 0;
        int i = off;
        int upper = off + S.loopBound(n);
        while (i < upper) {
            int blockEnd = Math.min(upper, i + SUM_BLOCK * V);
            FloatVector acc = broadcast(S, 0f);
            for (; i < blockEnd; i += V) {
                FloatVector d = fromArray(S, x, i).sub(mean);
                acc = d.fma(d, acc);
            }
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (; i < off + n; i++) {
            double d = x[i] - mean;
            total += d * d;
        }
        return total;
    }

    @Override
    public double sumProductCentered(float[] g, float[] x, int off, int n, float mean) {
        double total = 0;
        int i = off;
        int upper = off + S.loopBound(n);
        while (i < upper) {
            int blockEnd = Math.min(upper, i + SUM_BLOCK * V);
            FloatVector acc = broadcast(S, 0f);
            for (; i < blockEnd; i += V) {
                acc = fromArray(S, g, i).fma(fromArray(S, x, i).sub(mean), acc);
            }
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (; i < off + n; i++) {
            total += (double) g[i] * (x[i] - mean);
        }
        return total;
    }

    @Override
    public void normalize(float[] x, float[] out, int off, int n, float meanHigh, float meanLow, float scale, float shift) {
        int i = off;
        for (int upper = off + S.loopBound(n); i < upper; i += V) {
            fromArray(S, x, i).sub(meanHigh).sub(meanLow).mul(scale).add(shift).intoArray(out, i);
        }
        for (; i < off + n; i++) {
            out[i] = (x[i] - meanHigh - meanLow) * scale + shift;
        }
    }

    @Override
    public void batchNormInputGradient(float[] x, float[] gy, float[] gx, int off, int n, float mean, float k,
                                       float a, float b) {
        int i = off;
        for (int upper = off + S.loopBound(n); i < upper; i += V) {
            fromArray(S, gy, i).sub(a).sub(fromArray(S, x, i).sub(mean).mul(b)).mul(k).intoArray(gx, i);
        }
        for (; i < off + n; i++) {
            gx[i] = k * (gy[i] - a - (x[i] - mean) * b);
        }
    }

    // ================================================================ pooling

    /** Even and odd lanes of two consecutive vectors: the left and right columns of V windows. */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    private static final VectorSpecies<Integer> INT_LANES = VectorSpecies.of(int.class, S.vectorShape());

    /**
     * V windows at a time: two loads per input row, split into their even and odd lanes (the
     * windows' left and right columns), then the scalar kernel's three choices as lane masks. A
     * block holding a NaN, and the last outW mod V outputs, go through the scalar kernel, so the
     * bits are the scalar kernel's in every case. Rows shorter than a vector are better left to
     * the scalar loop altogether ({@code Pooling} does).
     */
    @Override
    public void maxPool2x2Rows(float[] x, int r0, int inW, int rows, float[] y, int o, int outW, float[] switches, int base) {
        for (int k = 0; k < rows; k++) {
            maxPool2x2Row(x, r0 + 2 * k * inW, inW, y, o + k * outW, switches, base + 2 * k * inW, outW);
        }
    }

    private static void maxPool2x2Row(float[] x, int r0, int inW, float[] y, int o, float[] switches, int base, int outW) {
        int r1 = r0 + inW;
        // The window offsets of the upper and lower rows, and twice the lane index (vectors made
        // once per row, not per block).
        IntVector upperOffsets = IntVector.zero(INT_LANES);
        IntVector lowerOffsets = IntVector.broadcast(INT_LANES, inW);
        IntVector twiceLane = IntVector.zero(INT_LANES).addIndex(2);
        int ox = 0;
        for (int upper = outW - V; ox <= upper; ox += V) {
            int i = 2 * ox;
            FloatVector top0 = fromArray(S, x, r0 + i);
            FloatVector top1 = fromArray(S, x, r0 + i + V);
            FloatVector bottom0 = fromArray(S, x, r1 + i);
            FloatVector bottom1 = fromArray(S, x, r1 + i + V);
            FloatVector a = top0.rearrange(EVEN_LANES, top1);
            FloatVector b = top0.rearrange(ODD_LANES, top1);
            FloatVector c = bottom0.rearrange(EVEN_LANES, bottom1);
            FloatVector d = bottom0.rearrange(ODD_LANES, bottom1);
            VectorMask<Float> nan = a.test(VectorOperators.IS_NAN).or(b.test(VectorOperators.IS_NAN))
                    .or(c.test(VectorOperators.IS_NAN)).or(d.test(VectorOperators.IS_NAN));
            if (nan.anyTrue()) {
                ScalarArrayKernels.maxPool2x2(x, r0, inW, 1, y, o, 0, switches, base, ox, ox + V);
                continue;
            }
            VectorMask<Float> takeB = b.compare(VectorOperators.GT, a);
            FloatVector upperBest = a.blend(b, takeB);
            VectorMask<Float> takeD = d.compare(VectorOperators.GT, c);
            FloatVector lowerBest = c.blend(d, takeD);
            VectorMask<Float> takeLower = lowerBest.compare(VectorOperators.GT, upperBest);
            upperBest.blend(lowerBest, takeLower).intoArray(y, o + ox);
            if (switches != null) {
                IntVector upperWhere = upperOffsets.blend(1, takeB.cast(INT_LANES));
                IntVector lowerWhere = lowerOffsets.blend(inW + 1, takeD.cast(INT_LANES));
                // base + 2·(ox + lane) + where, converted to float as the scalar kernel's store does
                upperWhere.blend(lowerWhere, takeLower.cast(INT_LANES))
                        .add(twiceLane).add(base + i)
                        .convert(VectorOperators.I2F, 0).reinterpretAsFloats().intoArray(switches, o + ox);
            }
        }
        if (ox < outW) {
            ScalarArrayKernels.maxPool2x2(x, r0, inW, 1, y, o, 0, switches, base, ox, outW);
        }
    }

    // ================================================================ distances

    @Override
    public void squaredDistances(float[] x, int d, int i0, int rows, int j, double[] out) {
        if (rows == 4) {
            fourDistances(x, d, i0, j, out);
            return;
        }
        for (int r = 0; r < rows; r++) {
            out[r] = oneDistance(x, (i0 + r) * d, j * d, d);
        }
    }

    /** Four rows against row j, each vector of row j loaded once; float partials per block, double totals. */
    private static void fourDistances(float[] x, int d, int i0, int j, double[] out) {
        int a0 = i0 * d;
        int a1 = a0 + d;
        int a2 = a1 + d;
        int a3 = a2 + d;
        int b = j * d;
        double t0 = 0;
        double t1 = 0;
        double t2 = 0;
        double t3 = 0;
        int k = 0;
        int upper = S.loopBound(d);
        while (k < upper) {
            int blockEnd = Math.min(upper, k + SUM_BLOCK * V);
            FloatVector s0 = broadcast(S, 0f);
            FloatVector s1 = broadcast(S, 0f);
            FloatVector s2 = broadcast(S, 0f);
            FloatVector s3 = broadcast(S, 0f);
            for (; k < blockEnd; k += V) {
                FloatVector vb = fromArray(S, x, b + k);
                FloatVector d0 = fromArray(S, x, a0 + k).sub(vb);
                FloatVector d1 = fromArray(S, x, a1 + k).sub(vb);
                FloatVector d2 = fromArray(S, x, a2 + k).sub(vb);
                FloatVector d3 = fromArray(S, x, a3 + k).sub(vb);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
                s2 = d2.fma(d2, s2);
                s3 = d3.fma(d3, s3);
            }
            for (int lane = 0; lane < V; lane++) {
                t0 += s0.lane(lane);
                t1 += s1.lane(lane);
                t2 += s2.lane(lane);
                t3 += s3.lane(lane);
            }
        }
        for (; k < d; k++) {
            double vb = x[b + k];
            double d0 = x[a0 + k] - vb;
            double d1 = x[a1 + k] - vb;
            double d2 = x[a2 + k] - vb;
            double d3 = x[a3 + k] - vb;
            t0 += d0 * d0;
            t1 += d1 * d1;
            t2 += d2 * d2;
            t3 += d3 * d3;
        }
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }

    private static double oneDistance(float[] x, int aOff, int bOff, int d) {
        double total = 0;
        int k = 0;
        int upper = S.loopBound(d);
        while (k < upper) {
            int blockEnd = Math.min(upper, k + SUM_BLOCK * V);
            FloatVector acc = broadcast(S, 0f);
            for (; k < blockEnd; k += V) {
                FloatVector diff = fromArray(S, x, aOff + k).sub(fromArray(S, x, bOff + k));
                acc = diff.fma(diff, acc);
            }
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (; k < d; k++) {
            double diff = x[aOff + k] - x[bOff + k];
            total += diff * diff;
        }
        return total;
    }

    // ================================================================ optimisers

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int from, int to, AdamCoefficients c) {
        boolean decay = c.weightDecay() != 0f && c.decoupled();
        boolean l2 = c.weightDecay() != 0f && !c.decoupled();
        float sqrtBc2 = (float) c.sqrtBiasCorrection2();
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector param = fromArray(S, p, i);
            FloatVector grad = fromArray(S, g, i);
            if (decay) {
                param = param.mul(c.decayFactor());
            } else if (l2) {
                grad = grad.add(param.mul(c.weightDecay()));
            }
            // Same operation order as OptimizerMath.adam.
            FloatVector mi = fromArray(S, m, i).mul(c.beta1()).add(grad.mul(c.oneMinusBeta1()));
            FloatVector vi = fromArray(S, v, i).mul(c.beta2()).add(grad.mul(c.oneMinusBeta2()).mul(grad));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            if (c.amsgrad()) {
                vi = fromArray(S, vMax, i).max(vi);
                vi.intoArray(vMax, i);
            }
            FloatVector denom = vi.sqrt().div(sqrtBc2).add(c.eps());
            param.sub(mi.mul(c.stepSize()).div(denom)).intoArray(p, i);
        }
        if (i < to) {
            scalarTail().adam(p, g, m, v, vMax, i, to, c);
        }
    }

    @Override
    public void sgd(float[] p, float[] g, float[] buf, int from, int to, SgdCoefficients c) {
        boolean decay = c.weightDecay() != 0f;
        boolean momentum = c.momentum() != 0f;
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector param = fromArray(S, p, i);
            FloatVector grad = fromArray(S, g, i);
            if (decay) {
                grad = grad.add(param.mul(c.weightDecay()));
            }
            if (momentum) {
                FloatVector b = c.firstStep() ? grad
                        : fromArray(S, buf, i).mul(c.momentum()).add(grad.mul(c.oneMinusDampening()));
                b.intoArray(buf, i);
                grad = c.nesterov() ? grad.add(b.mul(c.momentum())) : b;
            }
            param.sub(grad.mul(c.lr())).intoArray(p, i);
        }
        if (i < to) {
            scalarTail().sgd(p, g, buf, i, to, c);
        }
    }

    private static ArrayKernels scalarTail() {
        return SCALAR_TAIL;
    }

    @Override
    public double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double total = 0;
        int i = 0;
        int upper = S.loopBound(n);
        while (i < upper) {
            // Float partial sums over short blocks keep the rounding error of each block small.
            int blockEnd = Math.min(upper, i + SUM_BLOCK * V);
            FloatVector acc = broadcast(S, 0f);
            for (; i < blockEnd; i += V) {
                acc = fromArray(S, a, aOff + i).fma(fromArray(S, b, bOff + i), acc);
            }
            // Lane by lane in a fixed order: reduceLanes differs between JIT tiers.
            for (int lane = 0; lane < V; lane++) {
                total += acc.lane(lane);
            }
        }
        for (; i < n; i++) {
            total += (double) a[aOff + i] * b[bOff + i];
        }
        return total;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = broadcast(S, alpha);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += V) {
            va.fma(fromArray(S, x, xOff + i), fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    // ---------------------------------------------------------------- Winograd tile transforms
    // One vector holds one entry of V consecutive tiles; the operations and their order are
    // those of the scalar kernels (which run the tails), so every width gives the same bits.

    @Override
    public void winogradInput(float[] d, int dOff, int dStride, int rowShift, int tiles, float[] v, int vOff, int vStride) {
        int q00 = dOff;
        int q01 = dOff + dStride;
        int q10 = dOff + 2 * dStride;
        int q11 = dOff + 3 * dStride;
        int q02 = dOff + 4 * dStride;
        int q03 = dOff + 5 * dStride;
        int q12 = dOff + 6 * dStride;
        int q13 = dOff + 7 * dStride;
        int t = 0;
        for (int upper = S.loopBound(tiles); t < upper; t += V) {
            FloatVector d00 = fromArray(S, d, q00 + t);
            FloatVector d01 = fromArray(S, d, q01 + t);
            FloatVector d02 = fromArray(S, d, q02 + t);
            FloatVector d03 = fromArray(S, d, q03 + t);
            FloatVector d10 = fromArray(S, d, q10 + t);
            FloatVector d11 = fromArray(S, d, q11 + t);
            FloatVector d12 = fromArray(S, d, q12 + t);
            FloatVector d13 = fromArray(S, d, q13 + t);
            FloatVector d20 = fromArray(S, d, q00 + rowShift + t);
            FloatVector d21 = fromArray(S, d, q01 + rowShift + t);
            FloatVector d22 = fromArray(S, d, q02 + rowShift + t);
            FloatVector d23 = fromArray(S, d, q03 + rowShift + t);
            FloatVector a0 = d00.sub(d20);
            FloatVector a1 = d01.sub(d21);
            FloatVector a2 = d02.sub(d22);
            FloatVector a3 = d03.sub(d23);
            FloatVector b0 = d10.add(d20);
            FloatVector b1 = d11.add(d21);
            FloatVector b2 = d12.add(d22);
            FloatVector b3 = d13.add(d23);
            FloatVector c0 = d20.sub(d10);
            FloatVector c1 = d21.sub(d11);
            FloatVector c2 = d22.sub(d12);
            FloatVector c3 = d23.sub(d13);
            FloatVector e0 = d10.sub(fromArray(S, d, q10 + rowShift + t));
            FloatVector e1 = d11.sub(fromArray(S, d, q11 + rowShift + t));
            FloatVector e2 = d12.sub(fromArray(S, d, q12 + rowShift + t));
            FloatVector e3 = d13.sub(fromArray(S, d, q13 + rowShift + t));
            int at = vOff + t;
            a0.sub(a2).intoArray(v, at);
            a1.add(a2).intoArray(v, at + vStride);
            a2.sub(a1).intoArray(v, at + 2 * vStride);
            a1.sub(a3).intoArray(v, at + 3 * vStride);
            b0.sub(b2).intoArray(v, at + 4 * vStride);
            b1.add(b2).intoArray(v, at + 5 * vStride);
            b2.sub(b1).intoArray(v, at + 6 * vStride);
            b1.sub(b3).intoArray(v, at + 7 * vStride);
            c0.sub(c2).intoArray(v, at + 8 * vStride);
            c1.add(c2).intoArray(v, at + 9 * vStride);
            c2.sub(c1).intoArray(v, at + 10 * vStride);
            c1.sub(c3).intoArray(v, at + 11 * vStride);
            e0.sub(e2).intoArray(v, at + 12 * vStride);
            e1.add(e2).intoArray(v, at + 13 * vStride);
            e2.sub(e1).intoArray(v, at + 14 * vStride);
            e1.sub(e3).intoArray(v, at + 15 * vStride);
        }
        if (t < tiles) {
            SCALAR_TAIL.winogradInput(d, dOff + t, dStride, rowShift, tiles - t, v, vOff + t, vStride);
        }
    }

    @Override
    public void winogradOutput(float[] m, int mOff, int mStride, int tiles, float[] y, int yOff, int yStride) {
        int t = 0;
        for (int upper = S.loopBound(tiles); t < upper; t += V) {
            int at = mOff + t;
            FloatVector m4 = fromArray(S, m, at + 4 * mStride);
            FloatVector m5 = fromArray(S, m, at + 5 * mStride);
            FloatVector m6 = fromArray(S, m, at + 6 * mStride);
            FloatVector m7 = fromArray(S, m, at + 7 * mStride);
            FloatVector m8 = fromArray(S, m, at + 8 * mStride);
            FloatVector m9 = fromArray(S, m, at + 9 * mStride);
            FloatVector m10 = fromArray(S, m, at + 10 * mStride);
            FloatVector m11 = fromArray(S, m, at + 11 * mStride);
            FloatVector s0 = fromArray(S, m, at).add(m4).add(m8);
            FloatVector s1 = fromArray(S, m, at + mStride).add(m5).add(m9);
            FloatVector s2 = fromArray(S, m, at + 2 * mStride).add(m6).add(m10);
            FloatVector s3 = fromArray(S, m, at + 3 * mStride).add(m7).add(m11);
            FloatVector r0 = m4.sub(m8).sub(fromArray(S, m, at + 12 * mStride));
            FloatVector r1 = m5.sub(m9).sub(fromArray(S, m, at + 13 * mStride));
            FloatVector r2 = m6.sub(m10).sub(fromArray(S, m, at + 14 * mStride));
            FloatVector r3 = m7.sub(m11).sub(fromArray(S, m, at + 15 * mStride));
            int o = yOff + t;
            s0.add(s1).add(s2).intoArray(y, o);
            s1.sub(s2).sub(s3).intoArray(y, o + yStride);
            r0.add(r1).add(r2).intoArray(y, o + 2 * yStride);
            r1.sub(r2).sub(r3).intoArray(y, o + 3 * yStride);
        }
        if (t < tiles) {
            SCALAR_TAIL.winogradOutput(m, mOff + t, mStride, tiles - t, y, yOff + t, yStride);
        }
    }

    @Override
    public void winogradGradient(float[] g, int gOff, int gStride, int tiles, float[] e, int eOff, int eStride) {
        int t = 0;
        for (int upper = S.loopBound(tiles); t < upper; t += V) {
            FloatVector g00 = fromArray(S, g, gOff + t);
            FloatVector g01 = fromArray(S, g, gOff + gStride + t);
            FloatVector g10 = fromArray(S, g, gOff + 2 * gStride + t);
            FloatVector g11 = fromArray(S, g, gOff + 3 * gStride + t);
            FloatVector a1 = g00.add(g10);
            FloatVector b1 = g01.add(g11);
            FloatVector a2 = g00.sub(g10);
            FloatVector b2 = g01.sub(g11);
            FloatVector a3 = g10.neg();
            FloatVector b3 = g11.neg();
            int at = eOff + t;
            g00.intoArray(e, at);
            g00.add(g01).intoArray(e, at + eStride);
            g00.sub(g01).intoArray(e, at + 2 * eStride);
            g01.neg().intoArray(e, at + 3 * eStride);
            a1.intoArray(e, at + 4 * eStride);
            a1.add(b1).intoArray(e, at + 5 * eStride);
            a1.sub(b1).intoArray(e, at + 6 * eStride);
            b1.neg().intoArray(e, at + 7 * eStride);
            a2.intoArray(e, at + 8 * eStride);
            a2.add(b2).intoArray(e, at + 9 * eStride);
            a2.sub(b2).intoArray(e, at + 10 * eStride);
            b2.neg().intoArray(e, at + 11 * eStride);
            a3.intoArray(e, at + 12 * eStride);
            a3.add(b3).intoArray(e, at + 13 * eStride);
            a3.sub(b3).intoArray(e, at + 14 * eStride);
            b3.neg().intoArray(e, at + 15 * eStride);
        }
        if (t < tiles) {
            SCALAR_TAIL.winogradGradient(g, gOff + t, gStride, tiles - t, e, eOff + t, eStride);
        }
    }

    // ---------------------------------------------------------------- register-tiled direct convolution
    // Written out by hand (no arrays of vectors, no helper taking a vector): the accumulators
    // must stay in registers, which C2 only does for plain locals of one method.

    @Override
    public int convLanes() {
        return V;
    }

    @Override
    public void convTile(int taps, int[] tapOff, float[] w, int wOff, float[] in, int pos0, int pos1, float[] tile) {
        FloatVector a00 = broadcast(S, 0f), a01 = broadcast(S, 0f);
        FloatVector a10 = broadcast(S, 0f), a11 = broadcast(S, 0f);
        FloatVector a20 = broadcast(S, 0f), a21 = broadcast(S, 0f);
        FloatVector a30 = broadcast(S, 0f), a31 = broadcast(S, 0f);
        FloatVector a40 = broadcast(S, 0f), a41 = broadcast(S, 0f);
        FloatVector a50 = broadcast(S, 0f), a51 = broadcast(S, 0f);
        FloatVector a60 = broadcast(S, 0f), a61 = broadcast(S, 0f);
        FloatVector a70 = broadcast(S, 0f), a71 = broadcast(S, 0f);
        FloatVector a80 = broadcast(S, 0f), a81 = broadcast(S, 0f);
        FloatVector a90 = broadcast(S, 0f), a91 = broadcast(S, 0f);
        FloatVector a100 = broadcast(S, 0f), a101 = broadcast(S, 0f);
        FloatVector a110 = broadcast(S, 0f), a111 = broadcast(S, 0f);
        int wi = wOff;
        for (int t = 0; t < taps; t++) {
            int o = tapOff[t];
            FloatVector x0 = fromArray(S, in, pos0 + o);
            FloatVector x1 = fromArray(S, in, pos1 + o);
            FloatVector c;
            c = broadcast(S, w[wi + 0]);
            a00 = c.fma(x0, a00);
            a01 = c.fma(x1, a01);
            c = broadcast(S, w[wi + 1]);
            a10 = c.fma(x0, a10);
            a11 = c.fma(x1, a11);
            c = broadcast(S, w[wi + 2]);
            a20 = c.fma(x0, a20);
            a21 = c.fma(x1, a21);
            c = broadcast(S, w[wi + 3]);
            a30 = c.fma(x0, a30);
            a31 = c.fma(x1, a31);
            c = broadcast(S, w[wi + 4]);
            a40 = c.fma(x0, a40);
            a41 = c.fma(x1, a41);
            c = broadcast(S, w[wi + 5]);
            a50 = c.fma(x0, a50);
            a51 = c.fma(x1, a51);
            c = broadcast(S, w[wi + 6]);
            a60 = c.fma(x0, a60);
            a61 = c.fma(x1, a61);
            c = broadcast(S, w[wi + 7]);
            a70 = c.fma(x0, a70);
            a71 = c.fma(x1, a71);
            c = broadcast(S, w[wi + 8]);
            a80 = c.fma(x0, a80);
            a81 = c.fma(x1, a81);
            c = broadcast(S, w[wi + 9]);
            a90 = c.fma(x0, a90);
            a91 = c.fma(x1, a91);
            c = broadcast(S, w[wi + 10]);
            a100 = c.fma(x0, a100);
            a101 = c.fma(x1, a101);
            c = broadcast(S, w[wi + 11]);
            a110 = c.fma(x0, a110);
            a111 = c.fma(x1, a111);
            wi += 12;
        }
        a00.intoArray(tile, 0 * V);
        a01.intoArray(tile, 1 * V);
        a10.intoArray(tile, 2 * V);
        a11.intoArray(tile, 3 * V);
        a20.intoArray(tile, 4 * V);
        a21.intoArray(tile, 5 * V);
        a30.intoArray(tile, 6 * V);
        a31.intoArray(tile, 7 * V);
        a40.intoArray(tile, 8 * V);
        a41.intoArray(tile, 9 * V);
        a50.intoArray(tile, 10 * V);
        a51.intoArray(tile, 11 * V);
        a60.intoArray(tile, 12 * V);
        a61.intoArray(tile, 13 * V);
        a70.intoArray(tile, 14 * V);
        a71.intoArray(tile, 15 * V);
        a80.intoArray(tile, 16 * V);
        a81.intoArray(tile, 17 * V);
        a90.intoArray(tile, 18 * V);
        a91.intoArray(tile, 19 * V);
        a100.intoArray(tile, 20 * V);
        a101.intoArray(tile, 21 * V);
        a110.intoArray(tile, 22 * V);
        a111.intoArray(tile, 23 * V);
    }

    @Override
    public void convWeightTile(int images, float[] gy, int gyOff, int gyImage, int[] chan, int c0,
                               float[] x, int xOff, int xImage, int[] tapOff, int t0, int[] pos, int positions, int lanes,
                               float[] acc, int accOff) {
        if (lanes < V) {
            convWeightTileMasked(images, gy, gyOff, gyImage, chan, c0, x, xOff, xImage, tapOff, t0, pos, positions,
                    lanes, acc, accOff);
            return;
        }
        FloatVector s00 = fromArray(S, acc, accOff + 0 * V);
        FloatVector s01 = fromArray(S, acc, accOff + 1 * V);
        FloatVector s02 = fromArray(S, acc, accOff + 2 * V);
        FloatVector s03 = fromArray(S, acc, accOff + 3 * V);
        FloatVector s10 = fromArray(S, acc, accOff + 4 * V);
        FloatVector s11 = fromArray(S, acc, accOff + 5 * V);
        FloatVector s12 = fromArray(S, acc, accOff + 6 * V);
        FloatVector s13 = fromArray(S, acc, accOff + 7 * V);
        FloatVector s20 = fromArray(S, acc, accOff + 8 * V);
        FloatVector s21 = fromArray(S, acc, accOff + 9 * V);
        FloatVector s22 = fromArray(S, acc, accOff + 10 * V);
        FloatVector s23 = fromArray(S, acc, accOff + 11 * V);
        FloatVector s30 = fromArray(S, acc, accOff + 12 * V);
        FloatVector s31 = fromArray(S, acc, accOff + 13 * V);
        FloatVector s32 = fromArray(S, acc, accOff + 14 * V);
        FloatVector s33 = fromArray(S, acc, accOff + 15 * V);
        int ch0 = chan[c0 + 0];
        int ch1 = chan[c0 + 1];
        int ch2 = chan[c0 + 2];
        int ch3 = chan[c0 + 3];
        int o0 = tapOff[t0 + 0];
        int o1 = tapOff[t0 + 1];
        int o2 = tapOff[t0 + 2];
        int o3 = tapOff[t0 + 3];
        for (int b = 0; b < images; b++) {
            int gb = gyOff + b * gyImage;
            int xb = xOff + b * xImage;
            for (int p = 0; p < positions; p++) {
                int g = gb + pos[2 * p];
                int xx = xb + pos[2 * p + 1];
                FloatVector g0 = fromArray(S, gy, g + ch0);
                FloatVector g1 = fromArray(S, gy, g + ch1);
                FloatVector g2 = fromArray(S, gy, g + ch2);
                FloatVector g3 = fromArray(S, gy, g + ch3);
                FloatVector v;
                v = fromArray(S, x, xx + o0);
                s00 = g0.fma(v, s00);
                s10 = g1.fma(v, s10);
                s20 = g2.fma(v, s20);
                s30 = g3.fma(v, s30);
                v = fromArray(S, x, xx + o1);
                s01 = g0.fma(v, s01);
                s11 = g1.fma(v, s11);
                s21 = g2.fma(v, s21);
                s31 = g3.fma(v, s31);
                v = fromArray(S, x, xx + o2);
                s02 = g0.fma(v, s02);
                s12 = g1.fma(v, s12);
                s22 = g2.fma(v, s22);
                s32 = g3.fma(v, s32);
                v = fromArray(S, x, xx + o3);
                s03 = g0.fma(v, s03);
                s13 = g1.fma(v, s13);
                s23 = g2.fma(v, s23);
                s33 = g3.fma(v, s33);
            }
        }
        s00.intoArray(acc, accOff + 0 * V);
        s01.intoArray(acc, accOff + 1 * V);
        s02.intoArray(acc, accOff + 2 * V);
        s03.intoArray(acc, accOff + 3 * V);
        s10.intoArray(acc, accOff + 4 * V);
        s11.intoArray(acc, accOff + 5 * V);
        s12.intoArray(acc, accOff + 6 * V);
        s13.intoArray(acc, accOff + 7 * V);
        s20.intoArray(acc, accOff + 8 * V);
        s21.intoArray(acc, accOff + 9 * V);
        s22.intoArray(acc, accOff + 10 * V);
        s23.intoArray(acc, accOff + 11 * V);
        s30.intoArray(acc, accOff + 12 * V);
        s31.intoArray(acc, accOff + 13 * V);
        s32.intoArray(acc, accOff + 14 * V);
        s33.intoArray(acc, accOff + 15 * V);
    }

    /**
     * {@link #convWeightTile} for positions of fewer than V lanes, in plain Java. The cpu
     * backend does not call it (it pads such rows to whole vectors); vector code with masked
     * loads is not used because C1 gives up on it ("out of virtual registers") even with four
     * accumulators, and a method C1 cannot compile may be left on the Vector API's Java
     * fallback on a busy machine.
     */
    private static void convWeightTileMasked(int images, float[] gy, int gyOff, int gyImage, int[] chan, int c0,
                                             float[] x, int xOff, int xImage, int[] tapOff, int t0, int[] pos,
                                             int positions, int lanes, float[] acc, int accOff) {
        for (int b = 0; b < images; b++) {
            for (int p = 0; p < positions; p++) {
                int g = gyOff + b * gyImage + pos[2 * p];
                int xx = xOff + b * xImage + pos[2 * p + 1];
                for (int j = 0; j < CONV_WEIGHT_CHANNELS; j++) {
                    int gj = g + chan[c0 + j];
                    for (int t = 0; t < CONV_WEIGHT_TAPS; t++) {
                        int xt = xx + tapOff[t0 + t];
                        int at = accOff + (j * CONV_WEIGHT_TAPS + t) * V;
                        for (int l = 0; l < lanes; l++) {
                            acc[at + l] = Math.fma(gy[gj + l], x[xt + l], acc[at + l]);
                        }
                    }
                }
            }
        }
    }
}
