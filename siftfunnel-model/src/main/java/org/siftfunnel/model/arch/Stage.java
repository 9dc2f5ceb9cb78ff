package org.siftfunnel.model.arch;

import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * One side of a split model: named blocks applied one after another. Unlike
 * {@link org.siftfunnel.engine.nn.Sequential}, whose children are named by position, each block
 * keeps the attribute name it has in the paper's PyTorch code ({@code block1}, {@code se_block1},
 * {@code triplet}, ...), so a stage's state dict uses exactly the released names.
 * Parameter-free steps such as flattening take a name too; they add nothing to the state dict.
 */
public final class Stage extends Module {
    private final List<Module> blocks = new ArrayList<>();

    /** Appends {@code block} under {@code name} (unique within the stage, no dots). Returns this. */
    public Stage add(String name, Module block) {
        registerModule(name, block);
        blocks.add(block);
        return this;
    }

    /** Number of blocks. */
    public int size() {
        return blocks.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module block : blocks) {
            y = block.forward(y);
        }
        return y;
    }
}
