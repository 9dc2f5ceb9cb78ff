/**
 * Mutual-information estimation with MINE (Belghazi et al. 2018) for any critic and any data.
 *
 * <p>A {@link org.siftfunnel.engine.estimate.Critic} scores pairs {@code T(x, z)}; a
 * {@link org.siftfunnel.engine.estimate.PairData} delivers (x, z) mini-batches drawn from the
 * joint distribution. Samples of the product of the marginals are made by shuffling z within
 * each mini-batch with a seeded permutation ({@link org.siftfunnel.engine.estimate.Rows}).
 *
 * <p>Two estimators, always reported with their label:
 * <ul>
 *   <li>{@link org.siftfunnel.engine.estimate.PaperMine} ({@code "paper"}): the released
 *       SiftFunnel code's plain Donsker–Varadhan bound, evaluated on a second set every epoch,
 *       the maximum over epochs reported. With the paper's sigmoid critic it cannot exceed
 *       1 nat, so its numbers are relative.</li>
 *   <li>{@link org.siftfunnel.engine.estimate.CorrectedMine} ({@code "corrected"}): an
 *       unbounded critic trained with MINE's moving-average bias-corrected gradient, the
 *       DV estimate reported once, on held-out data, after training.</li>
 * </ul>
 * {@link org.siftfunnel.engine.estimate.ConcatCritic} is the MLP critic for vector data;
 * image-and-feature critics live with the models that need them. Both estimators can keep
 * snapshots ({@link org.siftfunnel.engine.io.Snapshots}) and go on after the last saved epoch
 * with the numbers of a run that never stopped.
 */
package org.siftfunnel.engine.estimate;
