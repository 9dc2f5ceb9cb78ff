package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an optimisation-based attack (rMLE) searches for x̂: where it starts, how x̂ is
 * parameterised, the optimiser, the objective and the total-variation weight(s).
 *
 * <p>The objective is {@code featureLoss(f(norm(x̂)), z) + λ·TV'(x̂)} with
 * {@code TV'} = {@code sqrt(TV)} ({@link TvForm#SQRT}, the paper's) or {@code TV}
 * ({@link TvForm#PLAIN}, He et al.'s), TV as {@link org.siftfunnel.engine.loss.Losses#totalVariation}.
 * With more than one weight the attack chooses one by its own criterion on auxiliary images
 * ({@link WhiteBoxAttack}).
 *
 * @param start          the initial x̂
 * @param parameterization how the optimised variable maps to x̂
 * @param optimizer      SGD with momentum or Adam
 * @param lr             learning rate
 * @param momentum       SGD momentum (ignored by Adam)
 * @param amsgrad        Adam's AMSGrad variant (ignored by SGD)
 * @param adamEps        Adam's ε (ignored by SGD)
 * @param iterations     optimiser steps per batch
 * @param featureLoss    how features are compared
 * @param tvForm         sqrt(TV) or TV
 * @param tvWeights      λ candidates (one: fixed); each ≥ 0
 * @param sweepImages    auxiliary images used to choose among several weights
 * @param batchSize      victim images optimised together (their losses are averaged)
 */
public record InversionSettings(Start start, Parameterization parameterization, OptimizerKind optimizer, float lr, float momentum,
        boolean amsgrad, float adamEps, int iterations, FeatureLoss featureLoss, TvForm tvForm, List<Float> tvWeights,
        int sweepImages, int batchSize) {

    /** Where x̂ starts. */
    public enum Start {
        /** x̂ ~ N(0, 1) (the paper's; with {@link Parameterization#SIGMOID} the variable is N(0, 1)). */
        GAUSSIAN,
        /** x̂ = 0.5 everywhere (the variable 0 under a sigmoid). */
        MID_GREY
    }

    /** How the optimised variable v maps to x̂. */
    public enum Parameterization {
        /** x̂ = v, clamped to [0, 1] only at the end (the paper's). */
        DIRECT,
        /** x̂ = sigmoid(v): always in (0, 1), so the edge never sees impossible pixels. */
        SIGMOID
    }

    /** The optimiser of v. */
    public enum OptimizerKind { SGD, ADAM }

    /** How f(norm(x̂)) is compared with z. */
    public enum FeatureLoss {
        /** {@code mean((f − z)²)} over all elements (the paper's). */
        MEAN_SQUARED,
        /**
         * {@code mean over samples of ‖f − z‖² / ‖z‖²}: unchanged when features and the edge's
         * output scale are multiplied by a constant, so small (e.g. L1-shrunk) features do not
         * make the TV term dominate.
         */
        RELATIVE
    }

    /** The form of the total-variation prior. */
    public enum TvForm {
        /** λ·sqrt(TV(x̂)) (the paper's {@code white_box_attack.py}). Its gradient is infinite at a constant image. */
        SQRT,
        /** λ·TV(x̂) (He et al.'s). */
        PLAIN
    }

    public InversionSettings {
        if (start == null || parameterization == null || optimizer == null || featureLoss == null || tvForm == null) {
            throw new IllegalArgumentException("inversion settings: start, parameterization, optimizer, feature loss and TV form are required");
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("inversion settings: lr must be positive, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1) || !(adamEps > 0)) {
            throw new IllegalArgumentException("inversion settings: momentum must be in [0, 1) and Adam eps positive, got "
                    + momentum + ", " + adamEps);
        }
        if (iterations < 1 || batchSize < 1 || sweepImages < 1) {
            throw new IllegalArgumentException("inversion settings: iterations, batch size and sweep images must be ≥ 1, got "
                    + iterations + ", " + batchSize + ", " + sweepImages);
        }
        if (tvWeights == null || tvWeights.isEmpty()) {
            throw new IllegalArgumentException("inversion settings: at least one TV weight is required");
        }
        tvWeights = List.copyOf(tvWeights);
        for (float w : tvWeights) {
            if (!(w >= 0) || !Float.isFinite(w)) {
                throw new IllegalArgumentException("inversion settings: TV weights must be finite and ≥ 0, got " + tvWeights);
            }
            if (w > 0 && tvForm == TvForm.SQRT && start == Start.MID_GREY) {
                throw new IllegalArgumentException("inversion settings: sqrt(TV) has an infinite gradient at the constant"
                        + " mid-grey start; use the plain TV form or a Gaussian start");
            }
        }
    }

    /**
     * The paper's released white-box settings ({@code white_box_attack.py}, spec §3.2): x̂ ~ N(0, 1),
     * SGD(lr 0.01, momentum 0.9), 500 iterations, {@code mean((f − z)²) + 1e3·sqrt(TV)}, batch 64,
     * clamp at the end.
     */
    public static InversionSettings paper() {
        return new InversionSettings(Start.GAUSSIAN, Parameterization.DIRECT, OptimizerKind.SGD, 0.01f, 0.9f, false, 1e-8f, 500,
                FeatureLoss.MEAN_SQUARED, TvForm.SQRT, List.of(1e3f), 8, 64);
    }

    /**
     * The tuned white-box attack: start at mid-grey, x̂ = sigmoid(v), Adam(lr 0.1), 1000
     * iterations, {@code mean((f − z)²) + λ·TV} with λ chosen among {0, 1e-4, 1e-3, 1e-2, 1e-1} on
     * 8 auxiliary images, batch 64.
     */
    public static InversionSettings tuned() {
        return new InversionSettings(Start.MID_GREY, Parameterization.SIGMOID, OptimizerKind.ADAM, 0.1f, 0f, false, 1e-8f, 1000,
                FeatureLoss.MEAN_SQUARED, TvForm.PLAIN, List.of(0f, 1e-4f, 1e-3f, 1e-2f, 1e-1f), 8, 64);
    }

    /**
     * The scale-aware adaptive white-box attack: {@link #tuned()} with the relative feature loss and
     * λ among {0, 1e-4, ..., 1e2}. The relative loss is 1 at f = 0 whatever the feature scale, so
     * the weights that matter span more decades: small ones where the features pin down the input
     * (undefended CNN), large ones where they do not and the prior must do the work (SiftFunnel).
     */
    public static InversionSettings adaptive() {
        return tuned().withFeatureLoss(FeatureLoss.RELATIVE).withTvWeights(List.of(0f, 1e-4f, 1e-3f, 1e-2f, 1e-1f, 1f, 10f, 100f));
    }

    /**
     * He et al.'s rMLE as used on the shadow edge (spec attacks §1.1(c)): Adam(AMSGrad, ε 1e-3)
     * lr 0.1, 500 iterations, λ_TV 2 (plain TV), starting at the input mean (mid-grey here).
     */
    public static InversionSettings he() {
        return new InversionSettings(Start.MID_GREY, Parameterization.DIRECT, OptimizerKind.ADAM, 0.1f, 0f, true, 1e-3f, 500,
                FeatureLoss.MEAN_SQUARED, TvForm.PLAIN, List.of(2f), 8, 64);
    }

    public InversionSettings withIterations(int n) {
        return new InversionSettings(start, parameterization, optimizer, lr, momentum, amsgrad, adamEps, n, featureLoss, tvForm,
                tvWeights, sweepImages, batchSize);
    }

    public InversionSettings withLr(float value) {
        return new InversionSettings(start, parameterization, optimizer, value, momentum, amsgrad, adamEps, iterations, featureLoss,
                tvForm, tvWeights, sweepImages, batchSize);
    }

    public InversionSettings withTvWeights(List<Float> weights) {
        return new InversionSettings(start, parameterization, optimizer, lr, momentum, amsgrad, adamEps, iterations, featureLoss,
                tvForm, weights, sweepImages, batchSize);
    }

    public InversionSettings withFeatureLoss(FeatureLoss loss) {
        return new InversionSettings(start, parameterization, optimizer, lr, momentum, amsgrad, adamEps, iterations, loss, tvForm,
                tvWeights, sweepImages, batchSize);
    }

    public InversionSettings withSweepImages(int n) {
        return new InversionSettings(start, parameterization, optimizer, lr, momentum, amsgrad, adamEps, iterations, featureLoss,
                tvForm, tvWeights, n, batchSize);
    }

    public InversionSettings withBatchSize(int n) {
        return new InversionSettings(start, parameterization, optimizer, lr, momentum, amsgrad, adamEps, iterations, featureLoss,
                tvForm, tvWeights, sweepImages, n);
    }

    /** JSON-ready form. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start.name().toLowerCase(Locale.ROOT));
        m.put("parameterization", parameterization.name().toLowerCase(Locale.ROOT));
        m.put("optimizer", optimizer.name().toLowerCase(Locale.ROOT));
        m.put("lr", (double) lr);
        if (optimizer == OptimizerKind.SGD) {
            m.put("momentum", (double) momentum);
        } else {
            m.put("amsgrad", amsgrad);
            m.put("eps", (double) adamEps);
        }
        m.put("iterations", iterations);
        m.put("feature_loss", featureLoss.name().toLowerCase(Locale.ROOT));
        m.put("tv_form", tvForm.name().toLowerCase(Locale.ROOT));
        List<Double> w = new ArrayList<>();
        tvWeights.forEach(x -> w.add((double) x));
        m.put("tv_weights", w);
        if (tvWeights.size() > 1) {
            m.put("sweep_images", sweepImages);
        }
        m.put("batch_size", batchSize);
        return m;
    }
}
