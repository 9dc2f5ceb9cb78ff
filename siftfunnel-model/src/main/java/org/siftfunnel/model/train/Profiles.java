package org.siftfunnel.model.train;

/**
 * The named settings every command uses.
 * <ul>
 * <li>{@code demo}: short, so that {@code ./siftfunnel demo} finishes in minutes on 2 cores;</li>
 * <li>{@code default}: what {@code train} uses when not told otherwise, chosen by measurement to
 * reach the accuracy on the bundled data at 32×32 (see docs/training.md);</li>
 * <li>{@code paper}: the released code's settings (64×64, lr 0.01, 300 epochs, no warm-up).</li>
 * </ul>
 */
public final class Profiles {
    private Profiles() {
    }

    static void apply(TrainSettings t) {
        switch (t.profile) {
            case "demo" -> {
                // 3 epochs of batch 32 (375 steps): SiftFunnel's objective needs steps more than
                // images. Measured on the 2-core machine: SiftFunnel reached 0.55 after 2 epochs of
                // batch 128 (64 steps), 0.73 after 3 epochs of 32 (and after 4 of 64), undefended 0.80
                // and 0.86 (docs/evaluation.md, "Demo time budget").
                t.imageSize = 32;
                t.epochs = 3;
                t.batchSize = 32;
                t.lr = 0.002;
                t.warmupEpochs = 0;
                t.lrSchedule = "cosine";
                t.trainLimit = 4000;
                t.preciseBnBatches = 20;
            }
            case "default" -> {
                t.imageSize = 32;
                t.epochs = 15;
                t.batchSize = 128;
                t.lr = 0.002;
                t.warmupEpochs = 1;
                t.lrSchedule = "cosine";
            }
            case "paper" -> {
                t.imageSize = 64;
                t.epochs = 300;
                t.batchSize = 128;
                t.lr = 0.01;
                t.warmupEpochs = 0;
                t.lrSchedule = "constant";
            }
            default -> throw new IllegalArgumentException("unknown profile '" + t.profile + "' (demo, default, paper)");
        }
    }
}
