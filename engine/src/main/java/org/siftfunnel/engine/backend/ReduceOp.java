package org.siftfunnel.engine.backend;

/** Reductions over the middle axis of an {@code [outer, n, inner]} view. */
public enum ReduceOp {
    SUM, MAX, MIN
}
