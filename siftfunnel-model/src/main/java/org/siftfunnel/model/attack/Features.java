package org.siftfunnel.model.attack;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/** Shape checks of transmitted features handed to an attack. */
final class Features {
    private Features() {
    }

    /** Requires z to be {@code [N, C, h, w]} with N ≥ 1 and the victim's per-sample shape. */
    static void check(String who, Tensor z, int[] featureShape) {
        int[] s = z.shape();
        if (s.length != 4 || s[0] < 1 || s[1] != featureShape[0] || s[2] != featureShape[1] || s[3] != featureShape[2]) {
            throw new IllegalArgumentException(who + ": expected features [N, " + featureShape[0] + ", " + featureShape[1] + ", "
                    + featureShape[2] + "] (N ≥ 1), got " + Arrays.toString(s));
        }
    }
}
