package org.siftfunnel.kernels.cpu;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * reference formulas. Exponentials, logarithms and tanh use the Vector API's lanewise
 * operators, whose results are within a few ulps of {@link Math}'s.
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

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }

    private static FloatVector splat(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** End of the whole-vector part of [from, to). */
    private static int bound(int from, int to) {
        return from + S.loopBound(to - from);
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
        FloatVector one = splat(1f);
        FloatVector minusOne = splat(-1f);
        for (; i < upper; i += V) {
            FloatVector v = load(x, i);
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

    /**
     * EXP, LOG and TANH, one loop each: the Vector API only compiles {@code lanewise(op)} to SIMD
     * code when {@code op} is a compile-time constant, which a shared loop over a variable op
     * is not.
     */
    private static int transcendental(UnaryOp op, float[] x, float[] out, int from, int to) {
        return switch (op) {
            case EXP -> exp(x, out, from, to);
            case LOG -> log(x, out, from, to);
            default -> tanh(x, out, from, to);
        };
    }

    private static int exp(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            load(x, i).lanewise(VectorOperators.EXP).intoArray(out, i);
        }
        return i;
    }

    private static int log(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            load(x, i).lanewise(VectorOperators.LOG).intoArray(out, i);
        }
        return i;
    }

    private static int tanh(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            load(x, i).lanewise(VectorOperators.TANH).intoArray(out, i);
        }
        return i;
    }

    private static int relu(float[] x, float[] out, int from, int to) {
        int i = from;
        FloatVector zero = splat(0f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            // x <= 0 is false for NaN, which therefore passes through, as in ScalarMath.
            v.blend(zero, v.compare(VectorOperators.LE, 0f)).intoArray(out, i);
        }
        return i;
    }

    private static int leakyRelu(float[] x, float[] out, int from, int to, float slope) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        return i;
    }

    /**
     * Logistic function without overflow: with e = exp(−|x|), σ(x) = 1/(1+e) for x ≥ 0 and
     * e/(1+e) for x < 0, which also keeps full relative accuracy for very negative x.
     */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector r = splat(1f).div(e.add(1f));
        return r.blend(e.mul(r), v.compare(VectorOperators.LT, 0f));
    }

    /**
     * σ'(x) = σ(x)·σ(−x) = e/(1+e)² with e = exp(−|x|): free of the cancellation in 1 − σ(x)
     * that costs σ(x)·(1 − σ(x)) its relative accuracy for large |x|.
     */
    private static FloatVector sigmoidSlope(FloatVector v) {
        FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector r = splat(1f).div(e.add(1f));
        return e.mul(r).mul(r);
    }

    private static int sigmoidFamily(boolean silu, float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            FloatVector s = sigmoid(v);
            (silu ? v.mul(s) : s).intoArray(out, i);
        }
        return i;
    }

    /** softplus(x) = log(1 + exp(βx))/β, as max(z, 0) + log1p(exp(−|z|)) with z = βx (no overflow). */
    private static int softplus(float[] x, float[] out, int from, int to, float beta, float threshold) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            FloatVector z = v.mul(beta);
            FloatVector soft = z.max(0f).add(z.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P))
                    .div(beta);
            soft.blend(v, z.compare(VectorOperators.GT, threshold)).intoArray(out, i);
        }
        return i;
    }

    private static int elu(float[] x, float[] out, int from, int to, float alpha) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            v.lanewise(VectorOperators.EXPM1).mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        return i;
    }

    private static int clamp(float[] x, float[] out, int from, int to, float lo, float hi) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            // max/min propagate NaN, as ScalarMath's clamp does.
            load(x, i).max(lo).min(hi).intoArray(out, i);
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
            FloatVector v = load(x, i);
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

    /** Derivatives that are cheapest from the forward output y (recomputed from x when y is null). */
    private static int fromOutput(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int from, int to) {
        int i = from;
        FloatVector one = splat(1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector out;
            if (y != null) {
                out = load(y, i);
            } else if (op == UnaryOp.SIGMOID) {
                load(gy, i).mul(sigmoidSlope(load(x, i))).intoArray(gx, i);
                continue;
            } else {
                FloatVector v = load(x, i);
                out = switch (op) {
                    case EXP -> v.lanewise(VectorOperators.EXP);
                    case SQRT -> v.sqrt();
                    default -> v.lanewise(VectorOperators.TANH);
                };
            }
            FloatVector d = switch (op) {
                case EXP -> out;
                case SQRT -> splat(0.5f).div(out);
                case SIGMOID -> out.mul(one.sub(out));
                default -> one.sub(out.mul(out));
            };
            load(gy, i).mul(d).intoArray(gx, i);
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
            load(gy, i).mul(-1f).intoArray(gx, i);
        }
        return i;
    }

    /** LOG: gy·(1/x); RECIPROCAL: gy·(−1/(x·x)). */
    private static int reciprocalGrad(boolean log, float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        FloatVector numerator = splat(log ? 1f : -1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            load(gy, i).mul(numerator.div(log ? v : v.mul(v))).intoArray(gx, i);
        }
        return i;
    }

    private static int absGrad(float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        FloatVector one = splat(1f);
        FloatVector minusOne = splat(-1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            FloatVector sign = v.blend(one, v.compare(VectorOperators.GT, 0f)).blend(minusOne, v.compare(VectorOperators.LT, 0f));
            load(gy, i).mul(sign).intoArray(gx, i);
        }
        return i;
    }

    /** gy·(c·x). */
    private static int scaleGrad(float c, float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            load(gy, i).mul(load(x, i).mul(c)).intoArray(gx, i);
        }
        return i;
    }

    /** gy·c (multiplied, so that gy = ±∞ or NaN gives NaN for c = 0, as in ScalarMath). */
    private static int constantGrad(float c, float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            load(gy, i).mul(c).intoArray(gx, i);
        }
        return i;
    }

    /** gy·(x > 0 ? 1 : slope): ReLU (slope 0) and leaky ReLU. */
    private static int stepGrad(float[] x, float[] gy, float[] gx, int from, int to, float slope) {
        int i = from;
        FloatVector one = splat(1f);
        FloatVector low = splat(slope);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector d = low.blend(one, load(x, i).compare(VectorOperators.GT, 0f));
            load(gy, i).mul(d).intoArray(gx, i);
        }
        return i;
    }

    private static int siluGrad(float[] x, float[] gy, float[] gx, int from, int to) {
        int i = from;
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            FloatVector s = sigmoid(v);
            load(gy, i).mul(s.mul(v.mul(s.neg().add(1f)).add(1f))).intoArray(gx, i);
        }
        return i;
    }

    private static int softplusGrad(float[] x, float[] gy, float[] gx, int from, int to, float beta, float threshold) {
        int i = from;
        FloatVector one = splat(1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector z = load(x, i).mul(beta);
            load(gy, i).mul(sigmoid(z).blend(one, z.compare(VectorOperators.GT, threshold))).intoArray(gx, i);
        }
        return i;
    }

    private static int eluGrad(float[] x, float[] gy, float[] gx, int from, int to, float alpha) {
        int i = from;
        FloatVector one = splat(1f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            FloatVector d = v.lanewise(VectorOperators.EXP).mul(alpha).blend(one, v.compare(VectorOperators.GT, 0f));
            load(gy, i).mul(d).intoArray(gx, i);
        }
        return i;
    }

    private static int clampGrad(float[] x, float[] gy, float[] gx, int from, int to, float lo, float hi) {
        int i = from;
        FloatVector one = splat(1f);
        FloatVector zero = splat(0f);
        for (int upper = bound(from, to); i < upper; i += V) {
            FloatVector v = load(x, i);
            FloatVector d = zero.blend(one, v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)));
            load(gy, i).mul(d).intoArray(gx, i);
        }
        return i;
    }

    // ================================================================ binary

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        if (op != BinaryOp.POW) {
            FloatVector one = splat(1f);
            FloatVector zero = splat(0f);
            for (int upper = S.loopBound(n); i < upper; i += V) {
                FloatVector va = load(a, aOff + i);
                FloatVector vb = load(b, bOff + i);
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
        FloatVector one = splat(1f);
        FloatVector zero = splat(0f);
        FloatVector vb = splat(s);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += V) {
            FloatVector va = load(a, aOff + i);
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
        FloatVector one = splat(1f);
        FloatVector zero = splat(0f);
        FloatVector va = splat(s);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += V) {
            FloatVector vb = load(b, bOff + i);
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
            FloatVector acc0 = splat(0f);
            FloatVector acc1 = splat(0f);
            for (; i < blockEnd; i += 2 * V) {
                acc0 = acc0.add(load(x, i));
                acc1 = acc1.add(load(x, i + V));
            }
            total += acc0.add(acc1).reduceLanes(VectorOperators.ADD);
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
        FloatVector acc = splat(start);
        int i = off;
        for (int upper = off + S.loopBound(n); i < upper; i += V) {
            FloatVector v = load(x, i);
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
            FloatVector acc = splat(start);
            for (int j = 0; j < n; j++) {
                FloatVector v = load(x, off + j * stride + i);
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
        FloatVector s0 = splat(0f), s1 = splat(0f), s2 = splat(0f), s3 = splat(0f);
        FloatVector c0 = splat(0f), c1 = splat(0f), c2 = splat(0f), c3 = splat(0f);
        for (int j = 0, at = off; j < n; j++, at += stride) {
            FloatVector y0 = load(x, at).sub(c0);
            FloatVector y1 = load(x, at + V).sub(c1);
            FloatVector y2 = load(x, at + 2 * V).sub(c2);
            FloatVector y3 = load(x, at + 3 * V).sub(c3);
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
        FloatVector s = splat(0f);
        FloatVector c = splat(0f);
        for (int j = 0, at = off; j < n; j++, at += stride) {
            FloatVector y = load(x, at).sub(c);
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
        FloatVector mv = splat(m);
        double total = 0;
        int i = off;
        int upper = off + S.loopBound(n);
        while (i < upper) {
            int blockEnd = Math.min(upper, i + SUM_BLOCK * V);
            FloatVector acc = splat(0f);
            for (; i < blockEnd; i += V) {
                FloatVector e = load(x, i).sub(mv).lanewise(VectorOperators.EXP);
                if (!log) {
                    e.intoArray(y, i);
                }
                acc = acc.add(e);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
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
                load(x, j).sub(mv).sub(logSum).intoArray(y, j);
            }
            for (; j < off + n; j++) {
                y[j] = (float) ((double) x[j] - m - Math.log(total));
            }
        } else {
            float sum = (float) total;
            int j = off;
            for (; j < upper; j += V) {
                load(y, j).div(sum).intoArray(y, j);
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
            FloatVector m = splat(Float.NEGATIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                m = m.max(load(x, base + j * stride));
            }
            FloatVector s = splat(0f);
            FloatVector c = splat(0f);
            for (int j = 0; j < n; j++) {
                FloatVector e = load(x, base + j * stride).sub(m).lanewise(VectorOperators.EXP);
                FloatVector t = e.sub(c);
                FloatVector sum = s.add(t);
                c = sum.sub(s).sub(t);
                s = sum;
            }
            if (log) {
                FloatVector logS = s.lanewise(VectorOperators.LOG);
                for (int j = 0; j < n; j++) {
                    int q = base + j * stride;
                    load(x, q).sub(m).sub(logS).intoArray(y, q);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int q = base + j * stride;
                    load(x, q).sub(m).lanewise(VectorOperators.EXP).div(s).intoArray(y, q);
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
            FloatVector acc = splat(0f);
            for (; i < blockEnd; i += V) {
                FloatVector g = load(gy, i);
                acc = log ? acc.add(g) : g.fma(load(y, i), acc);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < off + n; i++) {
            total += log ? gy[i] : (double) gy[i] * y[i];
        }
        float s = (float) total;
        int j = off;
        for (; j < upper; j += V) {
            FloatVector g = load(gy, j);
            FloatVector out = load(y, j);
            (log ? g.sub(out.lanewise(VectorOperators.EXP).mul(s)) : out.mul(g.sub(s))).intoArray(gx, j);
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
            FloatVector s = splat(0f);
            FloatVector c = splat(0f);
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                FloatVector term = log ? load(gy, q) : load(gy, q).mul(load(y, q));
                FloatVector t = term.sub(c);
                FloatVector sum = s.add(t);
                c = sum.sub(s).sub(t);
                s = sum;
            }
            for (int j = 0; j < n; j++) {
                int q = base + j * stride;
                FloatVector g = load(gy, q);
                FloatVector out = load(y, q);
                (log ? g.sub(out.lanewise(VectorOperators.EXP).mul(s)) : out.mul(g.sub(s))).intoArray(gx, q);
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
            FloatVector acc = splat(0f);
            for (; i < blockEnd; i += V) {
                FloatVector d = load(x, i).sub(mean);
                acc = d.fma(d, acc);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
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
            FloatVector acc = splat(0f);
            for (; i < blockEnd; i += V) {
                acc = load(g, i).fma(load(x, i).sub(mean), acc);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
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
            load(x, i).sub(meanHigh).sub(meanLow).mul(scale).add(shift).intoArray(out, i);
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
            load(gy, i).sub(a).sub(load(x, i).sub(mean).mul(b)).mul(k).intoArray(gx, i);
        }
        for (; i < off + n; i++) {
            gx[i] = k * (gy[i] - a - (x[i] - mean) * b);
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
            FloatVector s0 = splat(0f);
            FloatVector s1 = splat(0f);
            FloatVector s2 = splat(0f);
            FloatVector s3 = splat(0f);
            for (; k < blockEnd; k += V) {
                FloatVector vb = load(x, b + k);
                FloatVector d0 = load(x, a0 + k).sub(vb);
                FloatVector d1 = load(x, a1 + k).sub(vb);
                FloatVector d2 = load(x, a2 + k).sub(vb);
                FloatVector d3 = load(x, a3 + k).sub(vb);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
                s2 = d2.fma(d2, s2);
                s3 = d3.fma(d3, s3);
            }
            t0 += s0.reduceLanes(VectorOperators.ADD);
            t1 += s1.reduceLanes(VectorOperators.ADD);
            t2 += s2.reduceLanes(VectorOperators.ADD);
            t3 += s3.reduceLanes(VectorOperators.ADD);
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
            FloatVector acc = splat(0f);
            for (; k < blockEnd; k += V) {
                FloatVector diff = load(x, aOff + k).sub(load(x, bOff + k));
                acc = diff.fma(diff, acc);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
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
            FloatVector param = load(p, i);
            FloatVector grad = load(g, i);
            if (decay) {
                param = param.mul(c.decayFactor());
            } else if (l2) {
                grad = grad.add(param.mul(c.weightDecay()));
            }
            // Same operation order as OptimizerMath.adam.
            FloatVector mi = load(m, i).mul(c.beta1()).add(grad.mul(c.oneMinusBeta1()));
            FloatVector vi = load(v, i).mul(c.beta2()).add(grad.mul(c.oneMinusBeta2()).mul(grad));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            if (c.amsgrad()) {
                vi = load(vMax, i).max(vi);
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
            FloatVector param = load(p, i);
            FloatVector grad = load(g, i);
            if (decay) {
                grad = grad.add(param.mul(c.weightDecay()));
            }
            if (momentum) {
                FloatVector b = c.firstStep() ? grad
                        : load(buf, i).mul(c.momentum()).add(grad.mul(c.oneMinusDampening()));
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
            FloatVector acc = splat(0f);
            for (; i < blockEnd; i += V) {
                acc = load(a, aOff + i).fma(load(b, bOff + i), acc);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            total += (double) a[aOff + i] * b[bOff + i];
        }
        return total;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = splat(alpha);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += V) {
            va.fma(load(x, xOff + i), load(y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }
}
