package org.siftfunnel.model.arch;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.siftfunnel.engine.random.RandomSource;

/**
 * Builds the paper's split models by name: backbone {@code cnn}, {@code vgg16} or
 * {@code resnet18}, defense variant {@code none} (undefended) or {@code siftfunnel}.
 *
 * <pre>{@code
 * SplitModel m = Architectures.create("cnn", "siftfunnel", 1, 32, 10, new RandomSource(1));
 * }</pre>
 */
public final class Architectures {
    /** The backbone names {@link #create} accepts. */
    public static final List<String> BACKBONES = List.of("cnn", "vgg16", "resnet18");
    /** The defense variants {@link #create} accepts. */
    public static final List<String> VARIANTS = List.of("none", "siftfunnel");

    private Architectures() {
    }

    /**
     * A freshly initialised split model.
     *
     * @param backbone  {@code cnn}, {@code vgg16} or {@code resnet18} (case-insensitive)
     * @param variant   {@code none} or {@code siftfunnel} (case-insensitive)
     * @param channels  1 or 3
     * @param imageSize a multiple of 16; at least 32 for vgg16 and resnet18
     * @param classes   at least 2
     * @param rng       source of the initial weights (and of the dropout masks)
     * @throws IllegalArgumentException for an unknown name or an invalid size, naming what is allowed
     */
    public static SplitModel create(String backbone, String variant, int channels, int imageSize, int classes, RandomSource rng) {
        return create(backbone, variant, ArchConfig.of(channels, imageSize, classes), rng);
    }

    /** {@link #create(String, String, int, int, int, RandomSource)} from a config (e.g. with a dropout override). */
    public static SplitModel create(String backbone, String variant, ArchConfig config, RandomSource rng) {
        Objects.requireNonNull(config, "Architectures.create: config");
        Objects.requireNonNull(rng, "Architectures.create: rng");
        String b = normalise("backbone", backbone, BACKBONES);
        boolean siftFunnel = normalise("defense variant", variant, VARIANTS).equals("siftfunnel");
        return switch (b) {
            case "cnn" -> siftFunnel ? new SiftFunnelCnn(config, rng) : new Classifier4(config, rng);
            case "vgg16" -> siftFunnel ? new SiftFunnelVgg16Bn(config, rng) : new Vgg16Bn(config, rng);
            case "resnet18" -> siftFunnel ? new SiftFunnelResNet18(config, rng) : new ResNet18(config, rng);
            default -> throw new AssertionError(b);
        };
    }

    /**
     * A freshly initialised model of the architecture a {@link SplitModel} named {@code name}
     * ({@code backbone/variant}) has: every name this class and {@link MidArchitectures} give,
     * i.e. the variants of {@link #VARIANTS} plus {@code mid} (the bottleneck at the split, which
     * ends the edge) and {@code mid-head} (rebuilt with the default latent size; its edge is the
     * undefended one). For attacks that need the victim's architecture with other weights.
     *
     * @throws IllegalArgumentException for a name of another form or an unknown part, naming what is allowed
     */
    public static SplitModel forName(String name, ArchConfig config, RandomSource rng) {
        String[] parts = name == null ? new String[0] : name.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("Architectures: cannot tell the architecture of '" + name + "' (expected backbone/variant)");
        }
        return switch (parts[1].trim().toLowerCase(Locale.ROOT)) {
            case "mid" -> MidArchitectures.create(parts[0], MidArchitectures.Placement.SPLIT, 0, config, rng);
            case "mid-head" -> MidArchitectures.create(parts[0], MidArchitectures.Placement.HEAD, 0, config, rng);
            default -> create(parts[0], parts[1], config, rng);
        };
    }

    private static String normalise(String what, String value, List<String> allowed) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException("Architectures: unknown " + what + " '" + value + "'; expected one of " + allowed);
        }
        return v;
    }
}
