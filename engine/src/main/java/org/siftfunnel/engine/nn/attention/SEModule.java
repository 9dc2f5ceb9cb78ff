package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.AdaptiveAvgPool2d;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.Sigmoid;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Squeeze-and-excitation channel attention (the paper's {@code SEModule(C, r)}): global
 * average pool → Linear(C → C/r, no bias) → ReLU → Linear(C/r → C, no bias) → Sigmoid, and the
 * input multiplied channel-wise by the result. C/r is integer division, as in the paper's
 * code. State-dict names: {@code fc.0.weight} [C/r, C], {@code fc.2.weight} [C, C/r].
 */
public final class SEModule extends Module {
    private final int channels;
    private final int reduction;
    private final AdaptiveAvgPool2d avgPool;
    private final Sequential fc;

    public SEModule(int channels, int reduction, RandomSource rng) {
        if (channels < 1 || reduction < 1 || channels / reduction < 1) {
            throw new IllegalArgumentException("SEModule: channels (" + channels + ") / reduction (" + reduction
                    + ") must be at least 1");
        }
        this.channels = channels;
        this.reduction = reduction;
        int hidden = channels / reduction;
        this.avgPool = registerModule("avg_pool", new AdaptiveAvgPool2d(1));
        this.fc = registerModule("fc", new Sequential(
                new Linear(channels, hidden, false, rng),
                new ReLU(),
                new Linear(hidden, channels, false, rng),
                new Sigmoid()));
    }

    /** The fc stack (Linear, ReLU, Linear, Sigmoid). */
    public Sequential fc() {
        return fc;
    }

    @Override
    public Tensor forward(Tensor x) {
        Attention.checkImage(this, x, channels);
        int n = x.size(0);
        Tensor weights = fc.forward(avgPool.forward(x).reshape(n, channels)).reshape(n, channels, 1, 1);
        return x.mul(weights);
    }

    @Override
    protected String extraRepr() {
        return channels + ", reduction=" + reduction;
    }
}
