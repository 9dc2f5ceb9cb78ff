package org.siftfunnel.engine.autograd;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * One recorded operation of the define-by-run tape: which op made a tensor, from which
 * inputs, and how to push a gradient back through it. Released after a backward pass so
 * that saved tensors can be collected.
 */
public final class Node {
    private final String op;
    private Tensor[] inputs;
    private BackwardFunction backward;

    public Node(String op, Tensor[] inputs, BackwardFunction backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String op() {
        return op;
    }

    public Tensor[] inputs() {
        if (inputs == null) {
            throw new IllegalStateException("backward through '" + op
                    + "' a second time: the graph was released by the first backward() (call backward(true) to keep it)");
        }
        return inputs;
    }

    BackwardFunction backward() {
        inputs();
        return backward;
    }

    void release() {
        inputs = null;
        backward = null;
    }
}
