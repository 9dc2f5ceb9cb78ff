package org.siftfunnel.engine.loss;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The training losses and dependence penalties, as compositions of tensor operations (so
 * autograd differentiates them), with PyTorch's conventions. Every loss returns a shape [1]
 * tensor. Classification and regression losses live here; the dependence measures are
 * implemented in {@link DependenceMeasures} and {@link ImagePriors} and exposed here so callers
 * have one entry point.
 */
public final class Losses {
    private Losses() {
    }

    // ================================================================ classification

    /**
     * Negative log-likelihood with mean reduction: {@code −mean_i logProbs[i, labels[i]]}.
     *
     * @param logProbs [N, K] log-probabilities
     * @param labels   [N] class indices stored as floats
     */
    public static Tensor nll(Tensor logProbs, Tensor labels) {
        return pickedMean("nll", logProbs, tensorLabels("nll", "log-probabilities", logProbs, labels)).neg();
    }

    /** {@link #nll(Tensor, Tensor)} with labels given as ints. */
    public static Tensor nll(Tensor logProbs, int[] labels) {
        return pickedMean("nll", logProbs, intLabels("nll", "log-probabilities", logProbs, labels)).neg();
    }

    /** Cross-entropy on logits [N, K]: {@code nll(logSoftmax(logits))}. */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        int[] checked = tensorLabels("cross_entropy", "logits", logits, labels);
        return pickedMean("cross_entropy", logits.logSoftmax(1), checked).neg();
    }

    /** {@link #crossEntropy(Tensor, Tensor)} with labels given as ints. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        int[] checked = intLabels("cross_entropy", "logits", logits, labels);
        return pickedMean("cross_entropy", logits.logSoftmax(1), checked).neg();
    }

    /** Checks scores [N, K] and float labels [N] in [0, K); returns the labels as ints. */
    private static int[] tensorLabels(String loss, String scoresName, Tensor scores, Tensor labels) {
        LossChecks.rank(loss, scoresName, scores, 2, "[N, K]");
        LossChecks.notNull(loss, "labels", labels);
        return LossChecks.labels(loss, labels.toArray(), labels.shape(), scores.size(0), scores.size(1));
    }

    private static int[] intLabels(String loss, String scoresName, Tensor scores, int[] labels) {
        LossChecks.rank(loss, scoresName, scores, 2, "[N, K]");
        return LossChecks.labels(loss, labels, scores.size(0), scores.size(1));
    }

    /** {@code mean_i scores[i, labels[i]]}. */
    private static Tensor pickedMean(String loss, Tensor scores, int[] labels) {
        int n = labels.length;
        if (n == 0) {
            throw new IllegalArgumentException(loss + ": empty batch (shape " + LossChecks.shape(scores) + ")");
        }
        float[] idx = new float[n];
        for (int i = 0; i < n; i++) {
            idx[i] = labels[i];
        }
        Tensor index = Tensor.of(scores.backend(), idx, n, 1);
        return scores.gather(1, index).mean();
    }

    /**
     * KL divergence from the model to label-smoothed targets, PyTorch's
     * {@code F.kl_div(log_softmax(logits), target, reduction='batchmean')}: the target puts
     * {@code 1 − s} on the true class and {@code s/(K−1)} on every other class, and the loss is
     * {@code Σ target·(log target − log_softmax(logits)) / N} with {@code 0·log 0 = 0}.
     *
     * @param logits    [N, K] unnormalised scores, K ≥ 2
     * @param labels    [N] class indices stored as floats
     * @param smoothing s in [0, 1]
     */
    public static Tensor klToSmoothedLabels(Tensor logits, Tensor labels, float smoothing) {
        return klChecked(logits, tensorLabels("kl_smoothed", "logits", logits, labels), smoothing);
    }

    /** {@link #klToSmoothedLabels(Tensor, Tensor, float)} with labels given as ints. */
    public static Tensor klToSmoothedLabels(Tensor logits, int[] labels, float smoothing) {
        return klChecked(logits, intLabels("kl_smoothed", "logits", logits, labels), smoothing);
    }

    private static Tensor klChecked(Tensor logits, int[] labels, float s) {
        int n = logits.size(0);
        int k = logits.size(1);
        if (!(s >= 0f && s <= 1f)) {
            throw new IllegalArgumentException("kl_smoothed: smoothing must be in [0, 1], got " + s);
        }
        if (k < 2) {
            throw new IllegalArgumentException("kl_smoothed: needs at least 2 classes to spread the smoothing, got logits "
                    + LossChecks.shape(logits));
        }
        if (n == 0) {
            throw new IllegalArgumentException("kl_smoothed: empty batch (shape " + LossChecks.shape(logits) + ")");
        }
        float onTrue = 1f - s;
        float onOther = s / (k - 1);
        float[] target = new float[n * k];
        java.util.Arrays.fill(target, onOther);
        for (int i = 0; i < n; i++) {
            target[i * k + labels[i]] = onTrue;
        }
        // Σ target·log target is the same for every sample: a constant computed once on the host.
        double negEntropyPerSample = xLogX(onTrue) + (k - 1) * xLogX(onOther);
        Tensor t = Tensor.of(logits.backend(), target, n, k);
        Tensor crossTerm = logits.logSoftmax(1).mul(t).sum().div(n);
        return crossTerm.rsub((float) negEntropyPerSample);
    }

    private static double xLogX(double p) {
        return p == 0 ? 0 : p * Math.log(p);
    }

    // ================================================================ regression

    /** Mean squared error over all elements; a and b must have the same shape. */
    public static Tensor mse(Tensor a, Tensor b) {
        LossChecks.sameShape("mse", a, b);
        return a.sub(b).square().mean();
    }

    /** Mean absolute error over all elements; a and b must have the same shape. */
    public static Tensor l1(Tensor a, Tensor b) {
        LossChecks.sameShape("l1", a, b);
        return a.sub(b).abs().mean();
    }

    /** Mean of |z| (the L1 sparsity penalty on features). */
    public static Tensor meanAbs(Tensor z) {
        LossChecks.notNull("mean_abs", "input", z);
        return z.abs().mean();
    }

    // ================================================================ dependence measures and priors

    /**
     * Distance correlation between the samples of x [n, ...] and z [n, ...] (each sample
     * flattened). {@code squared = true} gives dCor² = dCov²(a,b)/sqrt(dVar²(a)·dVar²(b)); false
     * gives its square root (NoPeek's dCor). Returns a zero connected to the graph, with zero
     * gradient, when either distance variance vanishes (all samples of one input equal).
     */
    public static Tensor distanceCorrelation(Tensor x, Tensor z, boolean squared) {
        return DependenceMeasures.distanceCorrelation(x, z, squared);
    }

    /**
     * Mean squared inter-channel Pearson correlation within each sample of z [B, C, H, W]
     * (unbiased standard deviations), averaged over all (B, C, C) entries.
     */
    public static Tensor pearsonChannels(Tensor z) {
        return DependenceMeasures.pearsonChannels(z, true);
    }

    /**
     * {@link #pearsonChannels(Tensor)}; with {@code keepDiagonal = false} only the off-diagonal
     * (c ≠ c') entries are averaged.
     */
    public static Tensor pearsonChannels(Tensor z, boolean keepDiagonal) {
        return DependenceMeasures.pearsonChannels(z, keepDiagonal);
    }

    /**
     * Total variation of images x [B, C, H, W]: the mean squared vertical and horizontal
     * neighbour differences per image, summed, averaged over the batch.
     */
    public static Tensor totalVariation(Tensor x) {
        return ImagePriors.totalVariation(x);
    }

    /**
     * Biased HSIC with Gaussian kernels {@code exp(−|u−v|²/(2σ²))} between the samples of
     * x [n, ...] and z [n, ...]: {@code trace(K H L H)/(n−1)²} with {@code H = I − 1/n}.
     */
    public static Tensor hsicGaussian(Tensor x, Tensor z, float sigmaX, float sigmaZ) {
        return DependenceMeasures.hsicGaussian(x, z, sigmaX, sigmaZ);
    }

    /**
     * The Donsker–Varadhan lower bound on mutual information used by MINE:
     * {@code mean(T_joint) − log mean(exp(T_marginal))}, with a max-shifted log-mean-exp.
     */
    public static Tensor donskerVaradhan(Tensor tJoint, Tensor tMarginal) {
        return DependenceMeasures.donskerVaradhan(tJoint, tMarginal);
    }

    // ================================================================ divergence detection

    /**
     * Throws an {@link ArithmeticException} naming the loss when any element of {@code loss} is
     * NaN or infinite, so a diverging run stops with a clear message instead of silently
     * propagating NaN into the weights. Returns {@code loss} for chaining.
     */
    public static Tensor checkFinite(String name, Tensor loss) {
        return checkFinite(name, loss, -1);
    }

    /** {@link #checkFinite(String, Tensor)} that also reports the training step (ignored when negative). */
    public static Tensor checkFinite(String name, Tensor loss, long step) {
        LossChecks.notNull("checkFinite", "loss '" + name + "'", loss);
        float[] values = loss.toArray();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                String kind = Float.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
                String where = values.length == 1 ? "" : " (element " + i + " of shape " + LossChecks.shape(loss) + ")";
                String when = step >= 0 ? " at step " + step : "";
                throw new ArithmeticException(name + " loss is " + kind + when + where
                        + "; training diverged (try a lower learning rate or check the inputs)");
            }
        }
        return loss;
    }
}
