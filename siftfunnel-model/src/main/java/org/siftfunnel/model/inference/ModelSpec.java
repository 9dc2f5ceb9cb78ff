package org.siftfunnel.model.inference;

import java.util.Locale;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.defense.Defenses;

/**
 * Which split model to build: backbone, the defense it was trained with (which decides the
 * architecture, see {@link Defenses#architecture}) and the task's shape (input channels, square
 * image size, classes). Names are stored lower-case.
 *
 * @param arch      {@code cnn}, {@code vgg16} or {@code resnet18}
 * @param defense   any of {@link Defenses#NAMES} ({@code none}, {@code siftfunnel}, {@code nopeek}, {@code mid}, ...)
 * @param channels  1 or 3
 * @param imageSize input height = width
 * @param classes   number of classes
 */
public record ModelSpec(String arch, String defense, int channels, int imageSize, int classes) {
    /**
     * The seed of the throw-away initial weights: every tensor is overwritten by the loaded
     * state dict, so any fixed value gives the same model.
     */
    public static final long BUILD_SEED = 1;

    /** @throws IllegalArgumentException for an unknown name or invalid numbers, naming what is allowed */
    public ModelSpec {
        arch = choice("arch", arch, Architectures.BACKBONES.toString(), Architectures.BACKBONES.contains(lower(arch)));
        defense = choice("defense", defense, Defenses.NAMES.toString(), Defenses.NAMES.contains(lower(defense)));
        ArchConfig.of(channels, imageSize, classes); // validates the numbers with ArchConfig's own messages
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String choice(String what, String value, String allowed, boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException("unknown " + what + " '" + value + "'; expected one of " + allowed);
        }
        return lower(value);
    }

    public ArchConfig config() {
        return ArchConfig.of(channels, imageSize, classes);
    }

    /** A freshly built model (on the default backend) with placeholder weights from {@link #BUILD_SEED}. */
    public SplitModel build() {
        return Defenses.architecture(defense, arch, config(), new RandomSource(BUILD_SEED));
    }

    /** The per-sample input shape {@code [channels, imageSize, imageSize]}. */
    public int[] inputShape() {
        return config().inputShape();
    }

    /** E.g. {@code "cnn/siftfunnel (input 1×32×32, 10 classes)"}. */
    public String describe() {
        return arch + "/" + defense + " (input " + channels + "×" + imageSize + "×" + imageSize + ", " + classes + " classes)";
    }
}
