package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A module held in eval mode with its parameters marked as not requiring a gradient, until
 * {@link #close()} restores both. Attacks differentiate through the victim's edge (white-box)
 * or cloud (shadow) with respect to their own variables only: with the parameters frozen,
 * backward computes no weight gradients (cheaper) and leaves the victim's {@code grad()} null,
 * and BatchNorm uses its running statistics.
 *
 * <p>Not for concurrent use: the flags are the module's own.
 */
public final class FrozenModule implements AutoCloseable {
    private final Module module;
    private final boolean wasTraining;
    private final List<Tensor> parameters;
    private final boolean[] required;
    private boolean closed;

    private FrozenModule(Module module) {
        this.module = module;
        this.wasTraining = module.isTraining();
        this.parameters = new ArrayList<>(module.parameters());
        this.required = new boolean[parameters.size()];
        for (int i = 0; i < required.length; i++) {
            Tensor p = parameters.get(i);
            required[i] = p.requiresGrad();
            p.requiresGrad(false);
        }
        module.eval();
    }

    /** Puts {@code module} in eval mode and stops gradients into its parameters until closed. */
    public static FrozenModule freeze(Module module) {
        return new FrozenModule(module);
    }

    /** Restores the mode and each parameter's requires-grad flag. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < required.length; i++) {
            parameters.get(i).requiresGrad(required[i]);
        }
        module.train(wasTraining);
    }
}
