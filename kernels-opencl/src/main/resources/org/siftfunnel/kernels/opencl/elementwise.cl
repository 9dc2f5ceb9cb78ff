// Elementwise kernels: unary functions and their derivatives (ScalarMath's definitions),
// broadcasting binary ops, scalar ops and strided copies of rank <= 8.

float sigmoid_f(float x) {
    return 1.0f / (1.0f + exp(-x));
}

// log(1 + e^z) without overflow for large z.
float log1p_exp(float z) {
    return z > 0.0f ? z + log1p(exp(-z)) : log1p(exp(z));
}

float unary_apply(int op, float x, float p0, float p1) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_ABS: return fabs(x);
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.0f / x;
        case U_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); // keeps ±0 and NaN, like Math.signum
        case U_RELU: return x > 0.0f ? x : (isnan(x) ? x : 0.0f);
        case U_LEAKY_RELU: return x > 0.0f ? x : x * p0;
        case U_SILU: return x * sigmoid_f(x);
        case U_SIGMOID: return sigmoid_f(x);
        case U_TANH: return tanh(x);
        case U_SOFTPLUS: return x * p0 > p1 ? x : log1p_exp(x * p0) / p0;
        case U_ELU: return x > 0.0f ? x : p0 * expm1(x);
        case U_CLAMP: return isnan(x) ? x : (x < p0 ? p0 : (x > p1 ? p1 : x));
        case U_POW: return pow(x, p0);
        default: return NAN;
    }
}

// d op(x)/dx; y is op(x) when has_y (some derivatives reuse it), as in ScalarMath.derivative.
float unary_derivative(int op, float x, float y, int has_y, float p0, float p1) {
    int known = has_y && !isnan(y);
    switch (op) {
        case U_NEG: return -1.0f;
        case U_EXP: return known ? y : exp(x);
        case U_LOG: return 1.0f / x;
        case U_SQRT: return 0.5f / (known ? y : sqrt(x));
        case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
        case U_SQUARE: return 2.0f * x;
        case U_RECIPROCAL: return -1.0f / (x * x);
        case U_SIGN: return 0.0f;
        case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case U_LEAKY_RELU: return x > 0.0f ? 1.0f : p0;
        case U_SILU: {
            float s = sigmoid_f(x);
            return s * (1.0f + x * (1.0f - s));
        }
        case U_SIGMOID: {
            float s = known ? y : sigmoid_f(x);
            return s * (1.0f - s);
        }
        case U_TANH: {
            float t = known ? y : tanh(x);
            return 1.0f - t * t;
        }
        case U_SOFTPLUS: return x * p0 > p1 ? 1.0f : sigmoid_f(x * p0);
        case U_ELU: return x > 0.0f ? 1.0f : p0 * exp(x);
        case U_CLAMP: return x >= p0 && x <= p1 ? 1.0f : 0.0f;
        case U_POW: return p0 == 0.0f ? 0.0f : p0 * pow(x, p0 - 1.0f);
        default: return NAN;
    }
}

float binary_apply(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return pow(a, b);
        case B_MAX: return isnan(a) || isnan(b) ? NAN : (a > b ? a : b);
        case B_MIN: return isnan(a) || isnan(b) ? NAN : (a < b ? a : b);
        case B_GT: return a > b ? 1.0f : 0.0f;
        case B_GE: return a >= b ? 1.0f : 0.0f;
        case B_LT: return a < b ? 1.0f : 0.0f;
        case B_LE: return a <= b ? 1.0f : 0.0f;
        case B_EQ: return a == b ? 1.0f : 0.0f;
        case B_NE: return a != b ? 1.0f : 0.0f;
        default: return NAN;
    }
}

kernel void unary(int op, global const float* x, global float* out, int n, float p0, float p1) {
    int i = get_global_id(0);
    if (i < n) {
        out[i] = unary_apply(op, x[i], p0, p1);
    }
}

kernel void unary_backward(int op, global const float* x, global const float* y, int has_y,
                           global const float* gy, global float* gx, int n, float p0, float p1) {
    int i = get_global_id(0);
    if (i < n) {
        float yv = has_y ? y[i] : NAN;
        gx[i] = gy[i] * unary_derivative(op, x[i], yv, has_y, p0, p1);
    }
}

// Offsets of element e of a rank-`rank` iteration space in two strided operands.
int2 strided_offsets(int e, int rank, int8 shape, int8 s0, int8 s1) {
    int sh[8], a[8], b[8];
    vstore8(shape, 0, sh);
    vstore8(s0, 0, a);
    vstore8(s1, 0, b);
    int o0 = 0, o1 = 0;
    for (int k = rank - 1; k >= 0; k--) {
        int idx = e % sh[k];
        e /= sh[k];
        o0 += idx * a[k];
        o1 += idx * b[k];
    }
    return (int2)(o0, o1);
}

// out[outOff + e] = op(a[aOff + ...], b[bOff + ...]) over a contiguous output of n elements.
kernel void binary(int op, global const float* a, int aOff, int8 aStrides, global const float* b, int bOff, int8 bStrides,
                   global float* out, int outOff, int8 shape, int rank, int n) {
    int e = get_global_id(0);
    if (e < n) {
        int2 o = strided_offsets(e, rank, shape, aStrides, bStrides);
        out[outOff + e] = binary_apply(op, a[aOff + o.x], b[bOff + o.y]);
    }
}

kernel void binary_scalar(int op, global const float* x, float s, int scalar_first, global float* out, int n) {
    int i = get_global_id(0);
    if (i < n) {
        out[i] = scalar_first ? binary_apply(op, s, x[i]) : binary_apply(op, x[i], s);
    }
}

kernel void copy_strided(global const float* src, int srcOff, int8 srcStrides, global float* dst, int dstOff, int8 dstStrides,
                         int8 shape, int rank, int n) {
    int e = get_global_id(0);
    if (e < n) {
        int2 o = strided_offsets(e, rank, shape, srcStrides, dstStrides);
        dst[dstOff + o.y] = src[srcOff + o.x];
    }
}
