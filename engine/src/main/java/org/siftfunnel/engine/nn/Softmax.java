package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Softmax along one axis. */
public final class Softmax extends Module {
    private final int axis;

    /** Along {@code axis} (negative counts from the end). */
    public Softmax(int axis) {
        this.axis = axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(axis);
    }

    @Override
    protected String extraRepr() {
        return "axis=" + axis;
    }
}
