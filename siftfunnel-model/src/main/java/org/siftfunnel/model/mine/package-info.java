/**
 * Mutual information I(X;Z) between a model's input images and its transmitted features,
 * estimated with MINE (the generic estimators are in {@code org.siftfunnel.engine.estimate}):
 * {@link org.siftfunnel.model.mine.ConvMineCritic} is the paper's convolutional critic (zero-pad
 * z to the image size, concatenate with x, four 3×3 convolutions, mean), and
 * {@link org.siftfunnel.model.mine.MineRunner} runs the paper's estimator and the corrected one
 * for a trained {@link org.siftfunnel.model.arch.SplitModel} and a perturbation of z, giving a
 * {@link org.siftfunnel.model.mine.MineReport}.
 */
package org.siftfunnel.model.mine;
