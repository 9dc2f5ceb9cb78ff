package org.siftfunnel.model.attack;

import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;

/** An attack after its preparation: it reconstructs raw images from transmitted features. */
public interface PreparedAttack {

    /**
     * Reconstructs raw images x̂ in [0, 1], shape {@code [N, C, S, S]} (the victim's input shape),
     * from transmitted features z {@code [N, C', h, w]} (the victim's feature shape, as the
     * attacker observes them, i.e. after the defense's perturbation). The result is detached and
     * on the context's backend.
     */
    Tensor reconstruct(Tensor z);

    /**
     * What the evaluation records with the metrics: the attack's name and settings, the rules it
     * used (checkpoint selection, regulariser choice), and its training curves. JSON-ready values.
     * Calls to {@link #reconstruct} may add to it (e.g. the last inversion's loss curve).
     */
    Map<String, Object> metadata();
}
