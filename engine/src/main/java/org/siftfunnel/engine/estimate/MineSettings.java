package org.siftfunnel.engine.estimate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a MINE critic is trained: AdamW's learning rate, betas and weight decay, an optional
 * ReduceLROnPlateau (stepped once per epoch), the moving-average rate of the corrected
 * gradient, optional gradient-norm clipping, the number of epochs and the seed of the marginal
 * shuffles. {@link #paper()} and {@link #corrected()} give the two estimators' defaults; the
 * {@code with…} methods change one field.
 *
 * @param epochs          passes over the training pairs, ≥ 1
 * @param lr              AdamW learning rate
 * @param beta1           AdamW β1
 * @param beta2           AdamW β2
 * @param weightDecay     AdamW decoupled weight decay (PyTorch's default 0.01)
 * @param plateau         whether a ReduceLROnPlateau scheduler runs
 * @param plateauFactor   its factor
 * @param plateauPatience its patience in epochs
 * @param emaRate         rate α of the moving average in the corrected gradient, in (0, 1]
 * @param heldOutShuffles independent within-batch shuffles of z per held-out batch whose
 *                        marginal scores are pooled in the corrected estimator's held-out DV
 *                        estimate (more shuffles, lower variance of its log-mean-exp term)
 * @param gradClipNorm    largest total gradient L2 norm, 0 for no clipping
 * @param seed            seed of the marginal shuffles
 */
public record MineSettings(int epochs, float lr, float beta1, float beta2, float weightDecay, boolean plateau,
                           float plateauFactor, int plateauPatience, double emaRate, int heldOutShuffles, double gradClipNorm,
                           long seed) {
    public MineSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("MINE settings: epochs must be ≥ 1, got " + epochs);
        }
        if (!(lr > 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("MINE settings: lr must be positive and finite, got " + lr);
        }
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException("MINE settings: betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("MINE settings: weight decay must be finite and ≥ 0, got " + weightDecay);
        }
        if (!(plateauFactor > 0f && plateauFactor < 1f) || plateauPatience < 0) {
            throw new IllegalArgumentException("MINE settings: plateau factor must be in (0, 1) and patience ≥ 0, got "
                    + plateauFactor + " and " + plateauPatience);
        }
        if (!(emaRate > 0 && emaRate <= 1)) {
            throw new IllegalArgumentException("MINE settings: emaRate must be in (0, 1], got " + emaRate);
        }
        if (heldOutShuffles < 1) {
            throw new IllegalArgumentException("MINE settings: heldOutShuffles must be ≥ 1, got " + heldOutShuffles);
        }
        if (!(gradClipNorm >= 0) || Double.isInfinite(gradClipNorm)) {
            throw new IllegalArgumentException("MINE settings: gradClipNorm must be finite and ≥ 0 (0 = off), got " + gradClipNorm);
        }
    }

    /**
     * The released code's: 100 epochs, AdamW lr 0.01, betas (0.8, 0.99) (the CNN/VGG values;
     * ResNet used (0.6, 0.99)), weight decay 0.01 (PyTorch's AdamW default, which the code
     * does not change), ReduceLROnPlateau(factor 0.5, patience 20), no clipping.
     */
    public static MineSettings paper() {
        return new MineSettings(100, 0.01f, 0.8f, 0.99f, 0.01f, true, 0.5f, 20, 0.01, 8, 0, 0);
    }

    /**
     * The corrected estimator's: as {@link #paper()} but lr 1e-3 (an unbounded critic with
     * lr 0.01 oscillates), no weight decay (it pulls the unbounded critic towards smaller,
     * biased scores), moving-average rate 0.01 (Belghazi et al.).
     */
    public static MineSettings corrected() {
        return new MineSettings(100, 1e-3f, 0.8f, 0.99f, 0f, true, 0.5f, 20, 0.01, 8, 0, 0);
    }

    public MineSettings withEpochs(int e) {
        return new MineSettings(e, lr, beta1, beta2, weightDecay, plateau, plateauFactor, plateauPatience, emaRate,
                heldOutShuffles, gradClipNorm, seed);
    }

    public MineSettings withLr(float l) {
        return new MineSettings(epochs, l, beta1, beta2, weightDecay, plateau, plateauFactor, plateauPatience,
                emaRate, heldOutShuffles, gradClipNorm, seed);
    }

    public MineSettings withBetas(float b1, float b2) {
        return new MineSettings(epochs, lr, b1, b2, weightDecay, plateau, plateauFactor, plateauPatience, emaRate,
                heldOutShuffles, gradClipNorm, seed);
    }

    public MineSettings withWeightDecay(float wd) {
        return new MineSettings(epochs, lr, beta1, beta2, wd, plateau, plateauFactor, plateauPatience, emaRate,
                heldOutShuffles, gradClipNorm, seed);
    }

    /** Turns the scheduler on with the given factor and patience. */
    public MineSettings withPlateau(float factor, int patience) {
        return new MineSettings(epochs, lr, beta1, beta2, weightDecay, true, factor, patience, emaRate,
                heldOutShuffles, gradClipNorm, seed);
    }

    public MineSettings withoutPlateau() {
        return new MineSettings(epochs, lr, beta1, beta2, weightDecay, false, plateauFactor, plateauPatience, emaRate,
                heldOutShuffles, gradClipNorm, seed);
    }

    public MineSettings withEmaRate(double rate) {
        return new MineSettings(epochs, lr, beta1, beta2, weightDecay, plateau, plateauFactor, plateauPatience, rate,
                heldOutShuffles, gradClipNorm, seed);
    }

    public MineSettings withHeldOutShuffles(int k) {
        return new MineSettings(epochs, lr, beta1, beta2, weightDecay, plateau, plateauFactor, plateauPatience,
                emaRate, k, gradClipNorm, seed);
    }

    /** Clips the gradients' total L2 norm to {@code maxNorm} (0 turns clipping off). */
    public MineSettings withGradClipNorm(double maxNorm) {
        return new MineSettings(epochs, lr, beta1, beta2, weightDecay, plateau, plateauFactor, plateauPatience,
                emaRate, heldOutShuffles, maxNorm, seed);
    }

    public MineSettings withSeed(long s) {
        return new MineSettings(epochs, lr, beta1, beta2, weightDecay, plateau, plateauFactor, plateauPatience,
                emaRate, heldOutShuffles, gradClipNorm, s);
    }

    /** The settings as a JSON-ready map. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("optimizer", "AdamW");
        m.put("lr", (double) lr);
        m.put("betas", List.of((double) beta1, (double) beta2));
        m.put("weight_decay", (double) weightDecay);
        if (plateau) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("factor", (double) plateauFactor);
            p.put("patience", plateauPatience);
            m.put("reduce_lr_on_plateau", p);
        } else {
            m.put("reduce_lr_on_plateau", "off");
        }
        m.put("ema_rate", emaRate);
        m.put("held_out_shuffles", heldOutShuffles);
        m.put("grad_clip_norm", gradClipNorm == 0 ? "off" : gradClipNorm);
        m.put("seed", seed);
        return m;
    }
}
