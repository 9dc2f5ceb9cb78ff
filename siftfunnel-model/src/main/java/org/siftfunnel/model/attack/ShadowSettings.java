package org.siftfunnel.model.attack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query-free attack's settings (He et al. 2019, {@code inverse_query_free_CIFAR.py}).
 *
 * @param epochs         passes over the auxiliary data to train the shadow edge
 * @param lr             Adam learning rate (He: 1e-3)
 * @param batchSize      training batch (He: 32)
 * @param lrHalvingEvery the learning rate halves every this many epochs (He: 5)
 * @param inversion      the rMLE run on the shadow edge (He: {@link InversionSettings#he()})
 */
public record ShadowSettings(int epochs, float lr, int batchSize, int lrHalvingEvery, InversionSettings inversion) {
    public ShadowSettings {
        if (epochs < 1 || batchSize < 1 || lrHalvingEvery < 1) {
            throw new IllegalArgumentException("shadow settings: epochs, batch size and lr halving period must be ≥ 1, got "
                    + epochs + ", " + batchSize + ", " + lrHalvingEvery);
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("shadow settings: lr must be positive, got " + lr);
        }
        if (inversion == null) {
            throw new IllegalArgumentException("shadow settings: inversion settings are required");
        }
    }

    /** He et al.'s: Adam 1e-3, batch 32, halved every 5 epochs, 20 epochs (the epoch count is this project's), He's rMLE. */
    public static ShadowSettings he() {
        return new ShadowSettings(20, 1e-3f, 32, 5, InversionSettings.he());
    }

    /**
     * The default of the {@code shadow} attack: He's shadow training, then the tuned inversion
     * ({@link InversionSettings#tuned()}, TV weight chosen on auxiliary images through the shadow
     * edge). He's inversion uses Adam with ε = 1e-3: against features as small as SiftFunnel's the
     * gradients (≈1e-6) are far below ε and x̂ does not move from its start.
     */
    public static ShadowSettings tuned() {
        return he().withInversion(InversionSettings.tuned());
    }

    public ShadowSettings withEpochs(int e) {
        return new ShadowSettings(e, lr, batchSize, lrHalvingEvery, inversion);
    }

    public ShadowSettings withLr(float value) {
        return new ShadowSettings(epochs, value, batchSize, lrHalvingEvery, inversion);
    }

    public ShadowSettings withBatchSize(int b) {
        return new ShadowSettings(epochs, lr, b, lrHalvingEvery, inversion);
    }

    public ShadowSettings withInversion(InversionSettings s) {
        return new ShadowSettings(epochs, lr, batchSize, lrHalvingEvery, s);
    }

    /** JSON-ready form. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shadow_epochs", epochs);
        m.put("shadow_optimizer", "adam");
        m.put("shadow_lr", (double) lr);
        m.put("shadow_batch_size", batchSize);
        m.put("shadow_lr_halving_every", lrHalvingEvery);
        m.put("shadow_loss", "cross-entropy through the frozen cloud");
        m.put("inversion", inversion.toJson());
        return m;
    }
}
