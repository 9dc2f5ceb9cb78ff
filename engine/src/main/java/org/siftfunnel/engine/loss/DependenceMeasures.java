package org.siftfunnel.engine.loss;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Statistical dependence measures used as privacy penalties and by the MINE estimator:
 * distance correlation, inter-channel Pearson correlation, Gaussian-kernel HSIC and the
 * Donsker–Varadhan bound. Reached through {@link Losses}.
 */
final class DependenceMeasures {
    /** Added to squared distances before the square root, as the reference implementation does. */
    static final float DISTANCE_EPS = 1e-10f;

    /** Added to σ·σᵀ in the Pearson correlation, as the reference implementation does. */
    static final float PEARSON_EPS = 1e-12f;

    /**
     * A distance variance at most this fraction of (mean distance)² counts as zero. Centring a
     * constant distance matrix in float32 leaves entries of about 1e-7 of its mean, so a truly
     * degenerate input gives a variance near 1e-14·mean²; any real spread gives orders of
     * magnitude more than this threshold.
     */
    static final double DEGENERATE_VARIANCE = 1e-10;

    private DependenceMeasures() {
    }

    static Tensor distanceCorrelation(Tensor x, Tensor z, boolean squared) {
        String op = squared ? "dcor2" : "dcor";
        int n = LossChecks.sameBatch(op, "x", x, "z", z, 2);
        Tensor distX = distances(x.reshape(n, -1));
        Tensor distZ = distances(z.reshape(n, -1));
        Tensor a = doubleCentre(distX);
        Tensor b = doubleCentre(distZ);
        float nn = (float) n * n;
        Tensor covAB = a.mul(b).sum().div(nn);
        Tensor varA = a.square().sum().div(nn);
        Tensor varB = b.square().sum().div(nn);
        if (isDegenerate(varA, distX) || isDegenerate(varB, distZ)) {
            // Still connected to the graph so that callers can add it to other terms and call
            // backward; multiplying by zero sends exactly zero gradient back.
            return covAB.mul(0f);
        }
        Tensor dcor2 = covAB.div(varA.sqrt().mul(varB.sqrt()));
        if (squared) {
            return dcor2;
        }
        // Rounding can push dCov² a hair below zero; the safe root keeps a zero finite in backward.
        return SafeSqrt.of(dcor2.maximum(0f));
    }

    /** Euclidean distances between rows, {@code sqrt(Σd² + eps)}, [n, n]. */
    private static Tensor distances(Tensor rows) {
        return rows.pairwiseSquaredDistances().add(DISTANCE_EPS).sqrt();
    }

    /** {@code D − row means − column means + grand mean}, i.e. H·D·H with H = I − 1/n. */
    private static Tensor doubleCentre(Tensor d) {
        return d.sub(d.mean(0, true)).sub(d.mean(1, true)).add(d.mean());
    }

    private static boolean isDegenerate(Tensor variance, Tensor distances) {
        double v = variance.item();
        double scale;
        try (GradMode.Scope s = GradMode.noGrad()) {
            scale = distances.mean().item();
        }
        // Written so that a NaN variance is not "degenerate": NaN must surface, not become 0.
        return v <= DEGENERATE_VARIANCE * scale * scale;
    }

    static Tensor pearsonChannels(Tensor z, boolean keepDiagonal) {
        LossChecks.rank("pearson_channels", "features", z, 4, "[B, C, H, W]");
        int[] s = z.shape();
        int batch = s[0];
        int channels = s[1];
        int hw = s[2] * s[3];
        if (hw < 2) {
            throw new IllegalArgumentException("pearson_channels: needs at least 2 spatial positions for an unbiased "
                    + "standard deviation, got shape " + LossChecks.shape(z));
        }
        if (!keepDiagonal && channels < 2) {
            throw new IllegalArgumentException("pearson_channels: without the diagonal it needs at least 2 channels, got shape "
                    + LossChecks.shape(z));
        }
        if (batch == 0 || channels == 0) {
            throw new IllegalArgumentException("pearson_channels: empty input of shape " + LossChecks.shape(z));
        }
        Tensor rows = z.reshape(batch, channels, hw);
        Tensor centred = rows.sub(rows.mean(2, true));
        // Covariance normalised by H·W but σ unbiased (H·W − 1): the convention of the reference code.
        Tensor cov = centred.matmul(centred.transpose(1, 2)).div(hw);
        Tensor sigma = SafeSqrt.of(centred.square().sum(2, true).div(hw - 1));
        Tensor sigmaOuter = sigma.mul(sigma.reshape(batch, 1, channels));
        Tensor corrSquared = cov.div(sigmaOuter.add(PEARSON_EPS)).square();
        if (keepDiagonal) {
            return corrSquared.mean();
        }
        float[] offDiagonal = new float[channels * channels];
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) {
                offDiagonal[i * channels + j] = i == j ? 0f : 1f;
            }
        }
        Tensor mask = Tensor.of(z.backend(), offDiagonal, 1, channels, channels);
        return corrSquared.mul(mask).sum().div((float) batch * channels * (channels - 1));
    }

    static Tensor hsicGaussian(Tensor x, Tensor z, float sigmaX, float sigmaZ) {
        int n = LossChecks.sameBatch("hsic_gaussian", "x", x, "z", z, 2);
        checkBandwidth("sigmaX", sigmaX);
        checkBandwidth("sigmaZ", sigmaZ);
        Tensor k = gaussianKernel(x.reshape(n, -1), sigmaX);
        Tensor l = gaussianKernel(z.reshape(n, -1), sigmaZ);
        // trace(K·H·L·H) = Σ (H·K·H) ∘ L because L is symmetric.
        return doubleCentre(k).mul(l).sum().div((float) (n - 1) * (n - 1));
    }

    private static void checkBandwidth(String name, float sigma) {
        if (!(sigma > 0f) || !Float.isFinite(sigma)) {
            throw new IllegalArgumentException("hsic_gaussian: " + name + " must be a positive finite bandwidth, got " + sigma);
        }
    }

    /** {@code exp(−|u_i − u_j|²/(2σ²))}, [n, n]. */
    private static Tensor gaussianKernel(Tensor rows, float sigma) {
        return rows.pairwiseSquaredDistances().mul(-1f / (2f * sigma * sigma)).exp();
    }

    static Tensor donskerVaradhan(Tensor tJoint, Tensor tMarginal) {
        LossChecks.notNull("donsker_varadhan", "T_joint", tJoint);
        LossChecks.notNull("donsker_varadhan", "T_marginal", tMarginal);
        if (tJoint.numel() == 0 || tMarginal.numel() == 0) {
            throw new IllegalArgumentException("donsker_varadhan: empty statistics network output, shapes "
                    + LossChecks.shape(tJoint) + " and " + LossChecks.shape(tMarginal));
        }
        // log mean exp(t) = m + log mean exp(t − m) for any constant m; the max keeps exp ≤ 1.
        float shift = tMarginal.detach().max().item();
        if (!Float.isFinite(shift)) {
            shift = 0f; // NaN/Inf inputs: let the value show it rather than failing here.
        }
        Tensor logMeanExp = tMarginal.sub(shift).exp().mean().log().add(shift);
        return tJoint.mean().sub(logMeanExp);
    }
}
