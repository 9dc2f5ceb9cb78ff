package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Logistic sigmoid, {@code 1 / (1 + e^(−x))}, elementwise. */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
