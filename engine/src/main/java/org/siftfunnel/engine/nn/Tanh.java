package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Hyperbolic tangent, elementwise. */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
