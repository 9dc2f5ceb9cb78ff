package org.siftfunnel.model.attack;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * {@code relu(x + BN(conv3×3(relu(BN(conv3×3(x))))))} at constant width and resolution: the
 * extra depth of the adaptive decoder, which refines features without changing their shape.
 */
public final class ResidualBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;

    public ResidualBlock(int channels, RandomSource rng) {
        conv1 = registerModule("conv1", new Conv2d(channels, channels, 3, 1, 1, false, rng));
        bn1 = registerModule("bn1", new BatchNorm2d(channels));
        conv2 = registerModule("conv2", new Conv2d(channels, channels, 3, 1, 1, false, rng));
        bn2 = registerModule("bn2", new BatchNorm2d(channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = bn1.forward(conv1.forward(x)).relu();
        return bn2.forward(conv2.forward(h)).add(x).relu();
    }
}
