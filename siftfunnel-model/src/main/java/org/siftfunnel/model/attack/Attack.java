package org.siftfunnel.model.attack;

import java.util.Map;

/**
 * A model-inversion attack: it maps transmitted features z back to images x̂. The evaluation
 * matrix (defenses × attacks × metrics) is a loop over these:
 *
 * <pre>{@code
 * for (Attack attack : attacks) {
 *     PreparedAttack prepared = attack.prepare(context);   // train a decoder, a shadow edge, ...
 *     AttackResult result = VictimReconstruction.run(prepared, context, splits.test(), 64);
 *     // metrics on result.reconstructions() vs result.targets(), result.metadata() to the report
 * }
 * }</pre>
 *
 * <p>An attack object holds only its settings; everything it learns lives in the
 * {@link PreparedAttack} it returns, so one attack can be prepared against several victims.
 */
public interface Attack {

    /** The name used on the command line and in results ({@code blackbox}, {@code whitebox}, ...). */
    String name();

    /** The settings this attack runs with, as JSON-ready values (numbers, strings, lists, maps). */
    Map<String, Object> settings();

    /**
     * Does the attacker's preparation against the victim described by {@code context}: trains a
     * decoder on queried auxiliary features, trains a shadow edge, or chooses a regulariser
     * weight on auxiliary images. Only what the threat model allows the attacker is used (see
     * {@link AttackContext}).
     */
    PreparedAttack prepare(AttackContext context);
}
