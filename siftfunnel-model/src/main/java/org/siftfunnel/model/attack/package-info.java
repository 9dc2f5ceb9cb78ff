/**
 * Model-inversion attacks on the transmitted features: each maps z to raw images x̂ in [0, 1].
 *
 * <p>An {@link org.siftfunnel.model.attack.Attack} holds settings;
 * {@link org.siftfunnel.model.attack.Attack#prepare} does the attacker's work against a victim
 * described by an {@link org.siftfunnel.model.attack.AttackContext} (the split model, the
 * defense's perturbation, the auxiliary data, ...) and returns a
 * {@link org.siftfunnel.model.attack.PreparedAttack} that reconstructs images from features and
 * reports its metadata. {@link org.siftfunnel.model.attack.VictimReconstruction} runs one on the
 * victim's test images; {@link org.siftfunnel.model.attack.Attacks} builds them by name.
 *
 * <ul>
 *   <li>{@code blackbox}, {@code adaptive-blackbox}: a decoder trained on queried auxiliary
 *       features ({@link org.siftfunnel.model.attack.DecoderAttack},
 *       {@link org.siftfunnel.model.attack.Decoders}, {@link org.siftfunnel.model.attack.DecoderTrainer}),
 *       checkpoint chosen by a {@link org.siftfunnel.model.attack.SelectionRule}; the edge runs
 *       once per image ({@link org.siftfunnel.model.attack.ObservedFeatures}) and a randomised
 *       defense's perturbation is drawn anew for every batch;</li>
 *   <li>{@code whitebox-paper}, {@code whitebox}, {@code adaptive-whitebox}: optimisation in input
 *       space through the frozen edge ({@link org.siftfunnel.model.attack.WhiteBoxAttack},
 *       {@link org.siftfunnel.model.attack.FeatureInversion},
 *       {@link org.siftfunnel.model.attack.InversionObjective}), TV weight chosen on auxiliary
 *       images ({@link org.siftfunnel.model.attack.TvWeightChoice});</li>
 *   <li>{@code shadow}: query-free, a shadow edge trained against the frozen cloud, then inverted
 *       ({@link org.siftfunnel.model.attack.ShadowAttack}).</li>
 * </ul>
 * docs/attacks.md lists every setting and rule.
 */
package org.siftfunnel.model.attack;
