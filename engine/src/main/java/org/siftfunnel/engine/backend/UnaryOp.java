package org.siftfunnel.engine.backend;

/**
 * Elementwise functions of one tensor. Some take scalar parameters {@code p0}, {@code p1}:
 * CLAMP (min, max), POW (exponent), ELU (alpha), LEAKY_RELU (slope), SOFTPLUS (beta, threshold).
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SQUARE, RECIPROCAL, SIGN,
    RELU, LEAKY_RELU, SILU, SIGMOID, TANH, SOFTPLUS, ELU, CLAMP, POW
}
