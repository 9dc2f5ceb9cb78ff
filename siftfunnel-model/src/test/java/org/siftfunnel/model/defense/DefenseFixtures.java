package org.siftfunnel.model.defense;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.train.TrainSettings;

/** A tiny task shared by the defense tests: 8 greyscale 16×16 images over 4 classes. */
final class DefenseFixtures {
    static final int BATCH = 8;
    static final int CLASSES = 4;
    static final ArchConfig CONFIG = ArchConfig.of(1, 16, CLASSES);

    private DefenseFixtures() {
    }

    /** Normalised-looking images [8, 1, 16, 16] ~ N(0, 1). */
    static Tensor images(long seed) {
        return Tensor.randn(Backends.getDefault(), new RandomSource(seed), 0f, 1f, BATCH, 1, 16, 16);
    }

    /** Labels 0, 1, 2, 3, 0, 1, 2, 3 (every class present). */
    static Tensor labels() {
        float[] l = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            l[i] = i % CLASSES;
        }
        return Tensor.of(Backends.getDefault(), l, BATCH);
    }

    /** Default settings with {@code --defense name}. */
    static TrainSettings settings(String defense) {
        return new TrainSettings().set("defense", defense);
    }

    static Defense create(String defense) {
        return Defenses.create(settings(defense));
    }
}
