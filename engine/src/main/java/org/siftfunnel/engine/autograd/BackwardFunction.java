package org.siftfunnel.engine.autograd;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * A backward rule: given the gradient of the loss with respect to an op's output, returns
 * the gradient with respect to each of its inputs (same order as recorded; an entry may be
 * null when that input needs no gradient). Runs with recording disabled.
 */
@FunctionalInterface
public interface BackwardFunction {
    Tensor[] apply(Tensor gradOutput);
}
