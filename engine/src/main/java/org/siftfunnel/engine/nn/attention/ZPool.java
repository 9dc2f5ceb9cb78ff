package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/** Triplet attention's Z-pool: [N, C, H, W] → [N, 2, H, W], concatenating [max over C, mean over C] (in that order). */
public final class ZPool extends Module {
    @Override
    public Tensor forward(Tensor x) {
        Attention.checkImage(this, x, -1);
        return Tensor.concat(1, x.max(1, true), x.mean(1, true));
    }
}
