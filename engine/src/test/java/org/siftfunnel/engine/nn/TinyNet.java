package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A small model for the Module tests: conv + BN + ReLU + max-pool, then a two-layer head.
 * Input [N, 1, 4, 4]; state dict {@code block1.0.weight, block1.0.bias, block1.1.weight,
 * block1.1.bias, block1.1.running_mean, block1.1.running_var, fc.0.weight, fc.0.bias, fc.2.weight}.
 */
final class TinyNet extends Module {
    final Sequential block1;
    final Sequential fc;

    TinyNet(RandomSource rng) {
        block1 = registerModule("block1", new Sequential(new Conv2d(1, 3, 3, 1, 1, true, rng), new BatchNorm2d(3),
                new ReLU(), new MaxPool2d(2)));
        fc = registerModule("fc", new Sequential(new Linear(12, 5, rng), new ReLU(), new Linear(5, 2, false, rng)));
    }

    TinyNet(long seed) {
        this(new RandomSource(seed));
    }

    @Override
    public Tensor forward(Tensor x) {
        return fc.forward(block1.forward(x).flatten(1));
    }
}
