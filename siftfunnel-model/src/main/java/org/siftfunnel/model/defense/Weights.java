package org.siftfunnel.model.defense;

/** Argument checks shared by the defenses' objectives. */
final class Weights {
    private Weights() {
    }

    /** Rejects a weight that is negative, NaN or infinite, naming the owner and the parameter. */
    static void check(String owner, String name, float w) {
        if (!(w >= 0f) || !Float.isFinite(w)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a finite weight ≥ 0, got " + w);
        }
    }
}
