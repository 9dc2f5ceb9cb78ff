package org.siftfunnel.model.mine;

import org.siftfunnel.engine.estimate.MineSettings;

/**
 * What a {@link MineRunner} run uses: epochs and batch size for both estimators, the paper
 * estimator's AdamW lr and betas, the corrected estimator's lr, and a seed (critic
 * initialisation, batch order, marginal shuffles). {@link #paper()} gives the released code's
 * values; the {@code with…} methods change one field.
 *
 * @param epochs      epochs of each estimator (the paper: 100)
 * @param batchSize   training and evaluation batch (the paper: 128)
 * @param lr          the paper estimator's AdamW learning rate (the paper: 0.01)
 * @param beta1       AdamW β1 of both estimators (the paper: 0.8 for CNN/VGG, 0.6 for ResNet)
 * @param beta2       AdamW β2 of both estimators (the paper: 0.99)
 * @param correctedLr the corrected estimator's learning rate (its unbounded critic needs a smaller one)
 * @param seed        the run's seed
 */
public record MineRunSettings(int epochs, int batchSize, float lr, float beta1, float beta2, float correctedLr, long seed) {
    /** The released code's number of epochs. */
    public static final int PAPER_EPOCHS = 100;

    public MineRunSettings {
        if (epochs < 1 || batchSize < 2) {
            throw new IllegalArgumentException("MINE run: epochs must be ≥ 1 and the batch size ≥ 2 (z is shuffled within a"
                    + " batch), got " + epochs + " and " + batchSize);
        }
        // The remaining fields are checked by MineSettings when the estimators' settings are built.
        paperSettingsOf(epochs, lr, beta1, beta2, seed);
        correctedSettingsOf(epochs, correctedLr, beta1, beta2, seed);
    }

    /** 100 epochs, batch 128, lr 0.01, betas (0.8, 0.99), corrected lr 1e-3, seed 0. */
    public static MineRunSettings paper() {
        MineSettings p = MineSettings.paper();
        return new MineRunSettings(PAPER_EPOCHS, 128, p.lr(), p.beta1(), p.beta2(), MineSettings.corrected().lr(), 0);
    }

    public MineRunSettings withEpochs(int e) {
        return new MineRunSettings(e, batchSize, lr, beta1, beta2, correctedLr, seed);
    }

    public MineRunSettings withBatchSize(int b) {
        return new MineRunSettings(epochs, b, lr, beta1, beta2, correctedLr, seed);
    }

    public MineRunSettings withLr(float l) {
        return new MineRunSettings(epochs, batchSize, l, beta1, beta2, correctedLr, seed);
    }

    public MineRunSettings withBetas(float b1, float b2) {
        return new MineRunSettings(epochs, batchSize, lr, b1, b2, correctedLr, seed);
    }

    public MineRunSettings withCorrectedLr(float l) {
        return new MineRunSettings(epochs, batchSize, lr, beta1, beta2, l, seed);
    }

    public MineRunSettings withSeed(long s) {
        return new MineRunSettings(epochs, batchSize, lr, beta1, beta2, correctedLr, s);
    }

    /** The paper estimator's training settings. */
    public MineSettings paperSettings() {
        return paperSettingsOf(epochs, lr, beta1, beta2, seed);
    }

    /** The corrected estimator's training settings. */
    public MineSettings correctedSettings() {
        return correctedSettingsOf(epochs, correctedLr, beta1, beta2, seed);
    }

    /** Whether fewer epochs than the paper's 100 are run (results should say so). */
    public boolean fewerEpochsThanPaper() {
        return epochs < PAPER_EPOCHS;
    }

    private static MineSettings paperSettingsOf(int epochs, float lr, float b1, float b2, long seed) {
        return MineSettings.paper().withEpochs(epochs).withLr(lr).withBetas(b1, b2).withSeed(seed);
    }

    private static MineSettings correctedSettingsOf(int epochs, float lr, float b1, float b2, long seed) {
        return MineSettings.corrected().withEpochs(epochs).withLr(lr).withBetas(b1, b2).withSeed(seed);
    }
}
