/**
 * Training losses and privacy regularisers built from tensor operations, so that autograd
 * differentiates them without hand-written backward rules: classification losses (NLL,
 * cross-entropy, KL to label-smoothed targets), regression losses, and the statistical
 * dependence measures used by the defences and attacks (distance correlation, inter-channel
 * Pearson correlation, total variation, HSIC, the Donsker–Varadhan bound of MINE).
 *
 * <p>All of them follow PyTorch's conventions and are checked against PyTorch golden values.
 */
package org.siftfunnel.engine.loss;
