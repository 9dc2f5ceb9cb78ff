package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Sigmoid-weighted linear unit (swish), {@code x·σ(x)}, elementwise. */
public final class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }
}
