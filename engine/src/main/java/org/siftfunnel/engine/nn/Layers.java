package org.siftfunnel.engine.nn;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/** Argument and input checks shared by the layers, with messages that name the layer. */
final class Layers {
    private Layers() {
    }

    static void checkPositive(String layer, String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(layer + ": " + what + " must be ≥ 1, got " + value);
        }
    }

    static void checkNonNegative(String layer, String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(layer + ": " + what + " must be ≥ 0, got " + value);
        }
    }

    static void checkProbability(String layer, float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException(layer + ": probability must be in [0, 1], got " + p);
        }
    }

    /** Checks that {@code x} has the given rank and {@code channels} on axis 1. */
    static void checkChannels(Module layer, Tensor x, int rank, int channels) {
        if (x.rank() != rank || x.size(1) != channels) {
            throw new IllegalArgumentException(layer.getClass().getSimpleName() + "(" + layer.extraRepr() + "): expected a rank-"
                    + rank + " input with " + channels + " channels on axis 1, got shape " + Arrays.toString(x.shape()));
        }
    }
}
