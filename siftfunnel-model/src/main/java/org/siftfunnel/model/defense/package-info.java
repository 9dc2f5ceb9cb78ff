/**
 * Defenses: how the edge is built and trained, and how transmitted features are perturbed.
 * {@link org.siftfunnel.model.defense.Defenses} maps names to implementations and each defense's
 * strength parameters to the training settings they are read from;
 * {@link org.siftfunnel.model.defense.Sweep} expands {@code --sweep DEFENSE.PARAMETER=V1,V2}
 * into named variants.
 * <ul>
 *   <li>inference-time perturbations of the undefended model's Z:
 *       {@link org.siftfunnel.model.defense.GaussianNoiseDefense} ({@code noise}),
 *       {@link org.siftfunnel.model.defense.FeatureDropoutDefense} ({@code dropout});</li>
 *   <li>training objectives on the undefended or SiftFunnel architecture, run by
 *       {@link org.siftfunnel.model.defense.ObjectiveDefense}:
 *       {@link org.siftfunnel.model.defense.NoPeekObjective} ({@code nopeek}),
 *       {@link org.siftfunnel.model.defense.BidoObjective} ({@code bido}),
 *       {@link org.siftfunnel.model.defense.LabelSmoothingObjective} ({@code ls}),
 *       {@link org.siftfunnel.model.defense.SiftFunnelAblation} ({@code siftfunnel-no-*}), and
 *       the objective package's task loss ({@code none}, {@code funnel}) and SiftFunnel loss;</li>
 *   <li>{@link org.siftfunnel.model.defense.MidDefense} ({@code mid}, {@code mid-head}): a
 *       variational bottleneck at the split or before the head, with its KL term.</li>
 * </ul>
 * docs/defenses.md gives each formula, default and the measurements behind the defaults.
 */
package org.siftfunnel.model.defense;
