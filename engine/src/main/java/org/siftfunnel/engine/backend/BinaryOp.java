package org.siftfunnel.engine.backend;

/** Elementwise functions of two (broadcast) tensors. Comparisons produce 1.0 / 0.0 masks. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, GT, GE, LT, LE, EQ, NE;

    /** True for the comparison operators, which have no gradient. */
    public boolean isComparison() {
        return ordinal() >= GT.ordinal();
    }
}
