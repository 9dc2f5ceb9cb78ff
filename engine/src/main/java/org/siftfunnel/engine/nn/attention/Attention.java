package org.siftfunnel.engine.nn.attention;

import java.util.Arrays;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/** Input checks shared by the attention blocks. */
final class Attention {
    private Attention() {
    }

    /** Checks for an [N, C, H, W] input with the given channel count ({@code channels < 0}: any). */
    static void checkImage(Module block, Tensor x, int channels) {
        if (x.rank() != 4 || (channels >= 0 && x.size(1) != channels)) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + ": expected [N, "
                    + (channels >= 0 ? Integer.toString(channels) : "C") + ", H, W], got shape " + Arrays.toString(x.shape()));
        }
    }
}
