package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Rectified linear unit, {@code max(x, 0)}, elementwise. */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
