package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Returns its input unchanged (a placeholder where a layer is optional). */
public final class Identity extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
