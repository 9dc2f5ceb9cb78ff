package org.siftfunnel.model.attack;

import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * An attack's output on the victim's images: what the evaluation turns into metrics.
 *
 * @param attack          the attack's name
 * @param reconstructions x̂ [N, C, S, S], raw in [0, 1]
 * @param targets         the true raw images x [N, C, S, S], same order
 * @param labels          their class indices [N] (floats)
 * @param metadata        the prepared attack's metadata after reconstructing (settings, rules, curves)
 */
public record AttackResult(String attack, Tensor reconstructions, Tensor targets, Tensor labels, Map<String, Object> metadata) {
}
