package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * One branch of triplet attention: {@code x · σ(conv(ZPool(x)))} where {@code conv} is a
 * {@link BasicConv} 2 → 1, 7×7, padding 3, no bias, with BatchNorm and no ReLU. State-dict
 * names: {@code conv.conv.weight}, {@code conv.bn.weight|bias|running_mean|running_var}.
 */
public final class AttentionGate extends Module {
    private static final int KERNEL = 7;

    private final ZPool compress;
    private final BasicConv conv;

    public AttentionGate(RandomSource rng) {
        this.compress = registerModule("compress", new ZPool());
        this.conv = registerModule("conv", new BasicConv(2, 1, KERNEL, 1, (KERNEL - 1) / 2, false, true, false, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.mul(conv.forward(compress.forward(x)).sigmoid());
    }
}
