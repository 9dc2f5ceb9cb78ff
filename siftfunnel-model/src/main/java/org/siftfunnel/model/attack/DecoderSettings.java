package org.siftfunnel.model.attack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a black-box attacker trains its decoder (paper spec §3.1: {@code train_inversion.py}).
 *
 * @param epochs          passes over the auxiliary data (paper: 100)
 * @param lr              Adam learning rate (paper: 0.01)
 * @param beta1           Adam β1 (paper: 0.5)
 * @param beta2           Adam β2 (paper: 0.999)
 * @param amsgrad         Adam's AMSGrad variant (paper: on)
 * @param batchSize       training batch (paper: 128)
 * @param plateau         halve the learning rate when the selection MSE stops improving
 *                        (ReduceLROnPlateau; the paper steps it on the victim's test split, which
 *                        an attacker does not have, so here it follows the selection data)
 * @param plateauFactor   the factor (paper: 0.5)
 * @param plateauPatience epochs without improvement before reducing (paper: 10)
 * @param selectionRule   which data picks the checkpoint (paper: the private training split)
 * @param selectionLimit  at most this many selection images per epoch (0: all; the paper uses all)
 * @param holdoutFraction share of the auxiliary data held out for {@link SelectionRule#AUX_HOLDOUT}
 */
public record DecoderSettings(int epochs, float lr, float beta1, float beta2, boolean amsgrad, int batchSize, boolean plateau,
        float plateauFactor, int plateauPatience, SelectionRule selectionRule, int selectionLimit, double holdoutFraction) {

    /** Batch size for the no-grad selection passes (does not change results, only speed). */
    public static final int EVAL_BATCH = 256;

    public DecoderSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("decoder settings: epochs must be ≥ 1, got " + epochs);
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("decoder settings: lr must be positive, got " + lr);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("decoder settings: batch size must be ≥ 1, got " + batchSize);
        }
        if (!(plateauFactor > 0 && plateauFactor < 1) || plateauPatience < 0) {
            throw new IllegalArgumentException("decoder settings: plateau factor must be in (0, 1) and patience ≥ 0, got "
                    + plateauFactor + ", " + plateauPatience);
        }
        if (selectionRule == null) {
            throw new IllegalArgumentException("decoder settings: selection rule is required");
        }
        if (selectionLimit < 0) {
            throw new IllegalArgumentException("decoder settings: selection limit must be ≥ 0 (0 = all), got " + selectionLimit);
        }
        if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
            throw new IllegalArgumentException("decoder settings: holdout fraction must be in (0, 1), got " + holdoutFraction);
        }
    }

    /** The paper's settings: 100 epochs, Adam(0.01, (0.5, 0.999), AMSGrad), batch 128, plateau (0.5, 10), private-train rule. */
    public static DecoderSettings paper() {
        return new DecoderSettings(100, 0.01f, 0.5f, 0.999f, true, 128, true, 0.5f, 10, SelectionRule.PRIVATE_TRAIN, 0, 0.1);
    }

    public DecoderSettings withEpochs(int e) {
        return new DecoderSettings(e, lr, beta1, beta2, amsgrad, batchSize, plateau, plateauFactor, plateauPatience, selectionRule,
                selectionLimit, holdoutFraction);
    }

    public DecoderSettings withLr(float value) {
        return new DecoderSettings(epochs, value, beta1, beta2, amsgrad, batchSize, plateau, plateauFactor, plateauPatience,
                selectionRule, selectionLimit, holdoutFraction);
    }

    public DecoderSettings withBatchSize(int b) {
        return new DecoderSettings(epochs, lr, beta1, beta2, amsgrad, b, plateau, plateauFactor, plateauPatience, selectionRule,
                selectionLimit, holdoutFraction);
    }

    public DecoderSettings withPlateau(boolean on) {
        return new DecoderSettings(epochs, lr, beta1, beta2, amsgrad, batchSize, on, plateauFactor, plateauPatience, selectionRule,
                selectionLimit, holdoutFraction);
    }

    public DecoderSettings withSelectionRule(SelectionRule r) {
        return new DecoderSettings(epochs, lr, beta1, beta2, amsgrad, batchSize, plateau, plateauFactor, plateauPatience, r,
                selectionLimit, holdoutFraction);
    }

    public DecoderSettings withSelectionLimit(int n) {
        return new DecoderSettings(epochs, lr, beta1, beta2, amsgrad, batchSize, plateau, plateauFactor, plateauPatience,
                selectionRule, n, holdoutFraction);
    }

    public DecoderSettings withHoldoutFraction(double f) {
        return new DecoderSettings(epochs, lr, beta1, beta2, amsgrad, batchSize, plateau, plateauFactor, plateauPatience,
                selectionRule, selectionLimit, f);
    }

    /** JSON-ready form. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("optimizer", "adam");
        m.put("lr", (double) lr);
        m.put("betas", java.util.List.of((double) beta1, (double) beta2));
        m.put("amsgrad", amsgrad);
        m.put("batch_size", batchSize);
        m.put("loss", "mse");
        if (plateau) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("factor", (double) plateauFactor);
            p.put("patience", plateauPatience);
            p.put("metric", "selection_mse");
            m.put("plateau", p);
        } else {
            m.put("plateau", "off");
        }
        m.put("selection_rule", selectionRule.label());
        m.put("selection_limit", selectionLimit);
        if (selectionRule == SelectionRule.AUX_HOLDOUT) {
            m.put("holdout_fraction", holdoutFraction);
        }
        return m;
    }
}
