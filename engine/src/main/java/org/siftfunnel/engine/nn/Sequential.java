package org.siftfunnel.engine.nn;

import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Modules applied one after another. Children are named by position ("0", "1", ...) as in
 * PyTorch, so parameter-free layers (ReLU, pooling) still take an index and the state-dict
 * names match a PyTorch {@code nn.Sequential} with the same layer list.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module under the next index. Returns this. */
    public Sequential add(Module module) {
        registerModule(Integer.toString(layers.size()), module);
        layers.add(module);
        return this;
    }

    /** The module at position {@code index}. */
    public Module get(int index) {
        if (index < 0 || index >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " out of range for " + layers.size() + " modules");
        }
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }
}
