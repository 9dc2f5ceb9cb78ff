package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Flattens all axes from {@code startAxis} on into one (a free reshape), like PyTorch's {@code nn.Flatten}. */
public final class Flatten extends Module {
    private final int startAxis;

    public Flatten(int startAxis) {
        this.startAxis = startAxis;
    }

    /** From axis 1: [N, ...] → [N, rest]. */
    public Flatten() {
        this(1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startAxis);
    }

    @Override
    protected String extraRepr() {
        return "startAxis=" + startAxis;
    }
}
