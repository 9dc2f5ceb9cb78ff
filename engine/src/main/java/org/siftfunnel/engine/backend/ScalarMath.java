package org.siftfunnel.engine.backend;

/**
 * Scalar definitions of every elementwise function and its derivative. The reference
 * backend uses them directly; faster backends use them for tails and as documentation of
 * the exact semantics (which follow PyTorch's).
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float unary(UnaryOp op, float x, float p0, float p1) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1f / x;
            case SIGN -> Math.signum(x);
            case RELU -> x > 0f ? x : (Float.isNaN(x) ? x : 0f);
            case LEAKY_RELU -> x > 0f ? x : x * p0;
            case SILU -> x * sigmoid(x);
            case SIGMOID -> sigmoid(x);
            case TANH -> (float) Math.tanh(x);
            case SOFTPLUS -> x * p0 > p1 ? x : (float) (Math.log1p(Math.exp(x * (double) p0)) / p0);
            case ELU -> x > 0f ? x : (float) (p0 * Math.expm1(x));
            case CLAMP -> Float.isNaN(x) ? x : Math.min(Math.max(x, p0), p1);
            case POW -> (float) Math.pow(x, p0);
        };
    }

    /** d op(x) / dx; {@code y} is op(x) (NaN when the caller did not keep it). */
    public static float derivative(UnaryOp op, float x, float y, float p0, float p1) {
        return switch (op) {
            case NEG -> -1f;
            case EXP -> Float.isNaN(y) ? (float) Math.exp(x) : y;
            case LOG -> 1f / x;
            case SQRT -> 0.5f / (Float.isNaN(y) ? (float) Math.sqrt(x) : y);
            case ABS -> Math.signum(x);
            case SQUARE -> 2f * x;
            case RECIPROCAL -> -1f / (x * x);
            case SIGN -> 0f;
            case RELU -> x > 0f ? 1f : 0f;
            case LEAKY_RELU -> x > 0f ? 1f : p0;
            case SILU -> {
                float s = sigmoid(x);
                yield s * (1f + x * (1f - s));
            }
            case SIGMOID -> {
                float s = Float.isNaN(y) ? sigmoid(x) : y;
                yield s * (1f - s);
            }
            case TANH -> {
                float t = Float.isNaN(y) ? (float) Math.tanh(x) : y;
                yield 1f - t * t;
            }
            case SOFTPLUS -> x * p0 > p1 ? 1f : sigmoid(x * p0);
            case ELU -> x > 0f ? 1f : (float) (p0 * Math.exp(x));
            case CLAMP -> x >= p0 && x <= p1 ? 1f : 0f;
            case POW -> p0 == 0f ? 0f : (float) (p0 * Math.pow(x, p0 - 1f));
        };
    }

    public static float binary(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> (float) Math.pow(a, b);
            case MAX -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MIN -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
        };
    }
}
