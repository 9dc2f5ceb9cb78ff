package org.siftfunnel.model.arch;

import java.util.Arrays;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * SiftFunnel's cloud-side "upsampling module" {@code Up}: it widens the few transmitted
 * channels back to a backbone width at the same spatial size (it up-samples channels, not
 * pixels). {@code conv} = Conv3×3(in → out, no bias) → Conv3×3(out → out, no bias) →
 * BatchNorm → ReLU, so the state-dict names are {@code conv.0.weight}, {@code conv.1.weight},
 * {@code conv.2.weight|bias|running_mean|running_var}.
 */
public final class Up extends Module {
    private final int inChannels;
    private final int outChannels;
    private final Sequential conv;

    public Up(int inChannels, int outChannels, RandomSource rng) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.conv = registerModule("conv", new Sequential(
                new Conv2d(inChannels, outChannels, 3, 1, 1, false, rng),
                new Conv2d(outChannels, outChannels, 3, 1, 1, false, rng),
                new BatchNorm2d(outChannels),
                new ReLU()));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("Up(" + inChannels + " → " + outChannels + "): expected [N, " + inChannels
                    + ", H, W], got shape " + Arrays.toString(x.shape()));
        }
        return conv.forward(x);
    }

    @Override
    protected String extraRepr() {
        return inChannels + " → " + outChannels;
    }
}
