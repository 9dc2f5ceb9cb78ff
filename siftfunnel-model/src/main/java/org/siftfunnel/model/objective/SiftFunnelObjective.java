package org.siftfunnel.model.objective;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * SiftFunnel's composite training loss ({@code train_fcloud} in the paper's
 * {@code project_infodr_v4.py}, spec §5.4):
 *
 * <pre>
 *   L = α·KL(ỹ ‖ softmax) + β·dCor²(x, z) + λ·mean|z| + γ·mean(corr_c,c'(z)²)
 * </pre>
 * <ul>
 *   <li>{@code task}: {@code F.kl_div(logProbs, ỹ, 'batchmean')} with ỹ = 1 − s on the true class
 *       and s/(K−1) on each other class;</li>
 *   <li>{@code dcor2}: the squared sample distance correlation between the flattened normalised
 *       input x and the flattened Z over the batch;</li>
 *   <li>{@code l1}: {@code Σ|z| / numel(z)} (the paper's "entropy" term, fixed weight 0.03);</li>
 *   <li>{@code pearson}: the mean squared inter-channel Pearson correlation of Z within each
 *       sample, diagonal kept by default as in the code (so ≈ 1/C is a constant floor).</li>
 * </ul>
 * The terms are reported unweighted; {@code total} is the weighted sum. The engine's KL loss
 * applies a log-softmax to its input; applied to log-probabilities that is the identity (up to
 * rounding), and the gradient reaching the model's logits is the same.
 *
 * @param alpha        weight of the task term (paper default 5)
 * @param beta         weight of dCor² (default 2)
 * @param gamma        weight of the Pearson term (default 2)
 * @param l1Weight     weight of mean|z| (hard-coded 0.03 in the code)
 * @param smoothing    label smoothing s in [0, 1) (default 0.25; the released checkpoints use 0.35)
 * @param keepDiagonal whether the Pearson term averages the diagonal too (the code: yes)
 */
public record SiftFunnelObjective(float alpha, float beta, float gamma, float l1Weight, float smoothing, boolean keepDiagonal)
        implements Objective {
    public static final String TASK = "task";
    public static final String DCOR2 = "dcor2";
    public static final String L1 = "l1";
    public static final String PEARSON = "pearson";

    public SiftFunnelObjective {
        checkWeight("alpha", alpha);
        checkWeight("beta", beta);
        checkWeight("gamma", gamma);
        checkWeight("l1Weight", l1Weight);
        if (!(smoothing >= 0f && smoothing < 1f)) {
            throw new IllegalArgumentException("SiftFunnelObjective: smoothing must be in [0, 1), got " + smoothing);
        }
    }

    private static void checkWeight(String name, float w) {
        if (!(w >= 0f) || !Float.isFinite(w)) {
            throw new IllegalArgumentException("SiftFunnelObjective: " + name + " must be a finite weight ≥ 0, got " + w);
        }
    }

    /** The defaults of {@code project_infodr_v4.py}: α = 5, β = 2, γ = 2, L1 0.03, s = 0.25, diagonal kept. */
    public static SiftFunnelObjective paperDefaults() {
        return new SiftFunnelObjective(5f, 2f, 2f, 0.03f, 0.25f, true);
    }

    /** A copy with other term weights. */
    public SiftFunnelObjective withWeights(float alpha, float beta, float gamma) {
        return new SiftFunnelObjective(alpha, beta, gamma, l1Weight, smoothing, keepDiagonal);
    }

    /** A copy with another smoothing factor. */
    public SiftFunnelObjective withSmoothing(float s) {
        return new SiftFunnelObjective(alpha, beta, gamma, l1Weight, s, keepDiagonal);
    }

    /** A copy whose Pearson term keeps ({@code true}) or drops the diagonal. */
    public SiftFunnelObjective withDiagonal(boolean keep) {
        return new SiftFunnelObjective(alpha, beta, gamma, l1Weight, smoothing, keep);
    }

    @Override
    public LossTerms evaluate(Tensor input, Tensor features, Tensor logProbs, Tensor labels) {
        if (input.size(0) != features.size(0) || input.size(0) != logProbs.size(0)) {
            throw new IllegalArgumentException("SiftFunnelObjective: batch sizes differ: input " + input.size(0) + ", features "
                    + features.size(0) + ", log-probabilities " + logProbs.size(0));
        }
        Tensor task = Losses.klToSmoothedLabels(logProbs, labels, smoothing);
        Tensor dcor2 = Losses.distanceCorrelation(input, features, true);
        Tensor l1 = Losses.meanAbs(features);
        Tensor pearson = Losses.pearsonChannels(features, keepDiagonal);
        Tensor total = task.mul(alpha).add(dcor2.mul(beta)).add(l1.mul(l1Weight)).add(pearson.mul(gamma));
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put(TASK, task);
        terms.put(DCOR2, dcor2);
        terms.put(L1, l1);
        terms.put(PEARSON, pearson);
        return new LossTerms(total, terms);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SiftFunnelObjective(α=%s, β=%s, γ=%s, L1=%s, s=%s%s)", alpha, beta, gamma, l1Weight,
                smoothing, keepDiagonal ? "" : ", off-diagonal");
    }
}
