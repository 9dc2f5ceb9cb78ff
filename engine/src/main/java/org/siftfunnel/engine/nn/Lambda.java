package org.siftfunnel.engine.nn;

import java.util.Objects;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * A parameter-free module from a function, for small glue steps inside a {@link Sequential}
 * (a reshape, a scaling). The function must be stateless so the module stays thread-safe.
 */
public final class Lambda extends Module {
    private final String description;
    private final UnaryOperator<Tensor> function;

    public Lambda(String description, UnaryOperator<Tensor> function) {
        this.description = Objects.requireNonNull(description);
        this.function = Objects.requireNonNull(function);
    }

    @Override
    public Tensor forward(Tensor x) {
        return function.apply(x);
    }

    @Override
    protected String extraRepr() {
        return description;
    }
}
