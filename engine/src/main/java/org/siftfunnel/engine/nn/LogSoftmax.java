package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.tensor.Tensor;

/** Log-softmax along one axis: {@code x − log Σ eˣ}, computed stably. */
public final class LogSoftmax extends Module {
    private final int axis;

    /** Along {@code axis} (negative counts from the end). */
    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(axis);
    }

    @Override
    protected String extraRepr() {
        return "axis=" + axis;
    }
}
