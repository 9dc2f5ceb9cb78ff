package org.siftfunnel.model.arch;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;

/**
 * The undefended backbones with a MID {@link VariationalBottleneck} (registered as
 * {@code st_layer}) inserted at one of two places:
 * <ul>
 *   <li>{@link Placement#HEAD}: in the cloud, between the flattened output of the last block and
 *       the classifier head, as the released {@code Classifier_4_mid} and {@code rn18_mid}: a
 *       dense bottleneck d → k (k = d/2 by default) and a head rebuilt for k inputs (the
 *       backbone's own head type). The transmitted Z is the undefended one;</li>
 *   <li>{@link Placement#SPLIT}: at the end of the edge, a channel-wise bottleneck whose output
 *       has Z's shape, so that Z itself is the noisy sample (μ at evaluation) and the cloud is the
 *       undefended one.</li>
 * </ul>
 */
public final class MidArchitectures {
    /** Where the bottleneck goes. */
    public enum Placement {
        /** Before the classifier head (the released code's placement). */
        HEAD,
        /** At the split, on the transmitted feature. */
        SPLIT
    }

    /** Name under which the bottleneck is registered (the released code's attribute name). */
    public static final String BOTTLENECK = "st_layer";

    private MidArchitectures() {
    }

    /**
     * @param backbone {@code cnn}, {@code vgg16} or {@code resnet18}
     * @param latent   k for {@link Placement#HEAD} (0: half the flattened feature size, as the
     *                 released CNN); must be 0 for {@link Placement#SPLIT}, where k is Z's channel
     *                 count at every position
     */
    public static SplitModel create(String backbone, Placement placement, int latent, ArchConfig config, RandomSource rng) {
        Objects.requireNonNull(placement, "MidArchitectures.create: placement");
        if (latent < 0) {
            throw new IllegalArgumentException("MidArchitectures: latent size k must be ≥ 0 (0: automatic), got " + latent);
        }
        SplitModel base = Architectures.create(backbone, "none", config, rng);
        String b = backbone.trim().toLowerCase(Locale.ROOT);
        return switch (placement) {
            case SPLIT -> atSplit(base, b, latent, rng);
            case HEAD -> beforeHead(base, b, latent, config, rng);
        };
    }

    private static SplitModel atSplit(SplitModel base, String backbone, int latent, RandomSource rng) {
        if (latent != 0) {
            throw new IllegalArgumentException("MidArchitectures: at the split the bottleneck keeps Z's shape (k = "
                    + base.featureSize() + "), so k cannot be set; got " + latent);
        }
        Stage edge = copy(base.edge());
        edge.add(BOTTLENECK, VariationalBottleneck.channelwise(base.featureShape()[0], rng));
        return new SplitModel(backbone + "/mid", base.config(), edge, copy(base.cloud()), base.featureShape());
    }

    private static SplitModel beforeHead(SplitModel base, String backbone, int latent, ArchConfig config, RandomSource rng) {
        Stage cloud = new Stage();
        String previous = null;
        boolean inserted = false;
        for (Map.Entry<String, Module> e : base.cloud().namedChildren().entrySet()) {
            if ("flatten".equals(previous)) {
                int d = firstLinear(e.getValue(), backbone).inFeatures();
                int k = latent == 0 ? d / 2 : latent;
                cloud.add(BOTTLENECK, VariationalBottleneck.dense(d, k, rng));
                cloud.add(e.getKey(), head(backbone, k, config, rng));
                inserted = true;
            } else {
                cloud.add(e.getKey(), e.getValue());
            }
            previous = e.getKey();
        }
        if (!inserted) {
            throw new IllegalStateException("MidArchitectures: " + base.name() + " has no 'flatten' block followed by a head");
        }
        return new SplitModel(backbone + "/mid-head", base.config(), copy(base.edge()), cloud, base.featureShape());
    }

    /** The backbone's classifier head for {@code in} inputs, built as the backbone builds it. */
    private static Module head(String backbone, int in, ArchConfig config, RandomSource rng) {
        return switch (backbone) {
            case "cnn" -> Blocks.cnnHead(in, config.classes(), config.dropout(Classifier4.HEAD_DROPOUT), rng);
            case "vgg16" -> Blocks.vggHead(in, config.classes(), config, rng);
            case "resnet18" -> new Linear(in, config.classes(), rng);
            default -> throw new IllegalArgumentException("MidArchitectures: unknown backbone '" + backbone + "'");
        };
    }

    private static Linear firstLinear(Module head, String backbone) {
        for (Module m : head.namedModules().values()) {
            if (m instanceof Linear l) {
                return l;
            }
        }
        throw new IllegalStateException("MidArchitectures: the " + backbone + " head has no Linear layer");
    }

    /** A new stage over the same blocks (shared, not copied), under the same names. */
    private static Stage copy(Stage stage) {
        Stage s = new Stage();
        stage.namedChildren().forEach(s::add);
        return s;
    }
}
