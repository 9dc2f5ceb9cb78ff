package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchStream;

/**
 * The learning-based black-box attack ("Gen-based MIA", paper spec §3.1): query the edge with
 * auxiliary images, train a decoder from the observed features to the raw images with MSE,
 * keep the checkpoint its {@link SelectionRule} picks, and decode the victim's features.
 *
 * <ul>
 *   <li>{@code blackbox}: the paper's decoder for the victim ({@link Decoders#paperFor}) and the
 *       paper's training settings ({@link DecoderSettings#paper()}).</li>
 *   <li>{@code adaptive-blackbox}: scale-aware: the features are standardised per channel at the
 *       decoder's input (statistics of the auxiliary features), the decoder is deeper and wider
 *       ({@link Decoders#adaptive}), and it trains twice as long ({@link #adaptiveSettings()}).</li>
 * </ul>
 */
public final class DecoderAttack implements Attack {
    /** Which decoder the attack builds. */
    public enum Design {
        /** The paper's decoder for the victim's architecture (generic where the paper's is not reproduced). */
        PAPER,
        /** {@link Decoders#generic} whatever the victim. */
        GENERIC,
        /** {@link Decoders#adaptive} with feature standardisation. */
        ADAPTIVE
    }

    /** Auxiliary images whose features estimate the adaptive decoder's standardisation. */
    public static final int STANDARDIZATION_IMAGES = 2048;
    private static final long INIT_SALT = 0x6465636F646572L;
    private static final long STATS_SALT = 0x7374617473L;

    private final String name;
    private final Design design;
    private final DecoderSettings settings;
    private final int adaptiveWidth;

    public DecoderAttack(String name, Design design, DecoderSettings settings) {
        this(name, design, settings, Decoders.ADAPTIVE_WIDTH);
    }

    /** @param adaptiveWidth the adaptive decoder's base width (128 by default; ignored by the other designs) */
    public DecoderAttack(String name, Design design, DecoderSettings settings, int adaptiveWidth) {
        this.name = Objects.requireNonNull(name, "DecoderAttack: name");
        this.design = Objects.requireNonNull(design, "DecoderAttack: design");
        this.settings = Objects.requireNonNull(settings, "DecoderAttack: settings");
        if (adaptiveWidth < 1) {
            throw new IllegalArgumentException("DecoderAttack: adaptive width must be ≥ 1, got " + adaptiveWidth);
        }
        this.adaptiveWidth = adaptiveWidth;
    }

    /** {@code blackbox}: the paper's decoder and settings. */
    public static DecoderAttack blackbox(DecoderSettings settings) {
        return new DecoderAttack("blackbox", Design.PAPER, settings);
    }

    /** {@code adaptive-blackbox}: standardised features, deeper decoder. */
    public static DecoderAttack adaptive(DecoderSettings settings) {
        return new DecoderAttack("adaptive-blackbox", Design.ADAPTIVE, settings);
    }

    /**
     * The adaptive attacker's defaults: the paper's, trained twice as long (200 epochs) with a
     * learning rate of 1e-3, which suits the deeper residual decoder better than 0.01.
     */
    public static DecoderSettings adaptiveSettings() {
        DecoderSettings p = DecoderSettings.paper();
        return p.withEpochs(2 * p.epochs()).withLr(1e-3f);
    }

    public Design design() {
        return design;
    }

    public DecoderSettings decoderSettings() {
        return settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decoder", design.name().toLowerCase(java.util.Locale.ROOT));
        if (design == Design.ADAPTIVE) {
            m.put("decoder_width", adaptiveWidth);
        }
        m.putAll(settings.toJson());
        return m;
    }

    @Override
    public PreparedAttack prepare(AttackContext ctx) {
        return prepare(ctx, ObservedFeatures.MAX_BYTES);
    }

    /** {@link #prepare(AttackContext)} caching at most {@code cacheBytes} of features per dataset (0: query every epoch). */
    PreparedAttack prepare(AttackContext ctx, long cacheBytes) {
        RandomSource rng = new RandomSource(ctx.derivedSeed(INIT_SALT));
        DecoderTrainer.Data data = DecoderTrainer.data(ctx, settings);
        int[] f = ctx.featureShape();
        int[] img = ctx.imageShape();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("attack", name);
        meta.put("settings", settings());
        String designName;
        Module decoder;
        switch (design) {
            case PAPER -> {
                Decoders.Built built = Decoders.paperFor(ctx.victim(), rng);
                designName = built.design();
                decoder = built.decoder();
            }
            case GENERIC -> {
                designName = "generic";
                decoder = Decoders.generic(f, img[0], img[1], img[2], rng);
            }
            case ADAPTIVE -> {
                ChannelStandardize standardize = estimateStandardization(ctx, data);
                // ordered maps throughout, so the recorded JSON is the same from run to run
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("mean", floats(standardize.mean()));
                stats.put("std", floats(standardize.std()));
                stats.put("images", Math.min(STANDARDIZATION_IMAGES, data.train().size()));
                meta.put("standardization", stats);
                designName = "adaptive";
                decoder = Decoders.adaptive(standardize, f, img[0], img[1], img[2], adaptiveWidth, rng);
            }
            default -> throw new AssertionError(design);
        }
        decoder.to(ctx.backend());
        meta.put("decoder", designName);
        meta.put("decoder_parameters", decoder.parameterCount());
        DecoderTrainer.Result r = DecoderTrainer.train(decoder, ctx, settings, data, name, cacheBytes);
        meta.put("selection_rule", settings.selectionRule().label());
        meta.put("selection_data", data.selectionDescription());
        meta.put("train_images", data.train().size());
        // The edge answers each image once (the same features, fewer edge runs); a randomised defense still draws per batch.
        meta.put("edge_queries", edgeQueries(r.cachedQueries(), ctx.repeatableQueries()));
        meta.put("best_epoch", r.bestEpoch());
        meta.put("best_selection_mse", r.bestSelectionMse());
        meta.put("curve", r.curve().stream().map(EpochRecord::toJson).toList());
        return new PreparedDecoder(decoder, f, Collections.unmodifiableMap(meta));
    }

    /** How the decoder's features were obtained, for results ({@code edge_queries}). */
    static String edgeQueries(boolean cached, boolean repeatable) {
        if (!cached) {
            return "every epoch";
        }
        return repeatable ? "once per image" : "once per image, the defense's random perturbation drawn anew for every batch";
    }

    /** Per-channel statistics of the observed features of (up to 2048 of) the training images. */
    private static ChannelStandardize estimateStandardization(AttackContext ctx, DecoderTrainer.Data data) {
        List<Tensor> parts = new ArrayList<>();
        int seen = 0;
        try (BatchStream batches = ctx.loader(data.train(), DecoderSettings.EVAL_BATCH, true, STATS_SALT).epoch(0)) {
            while (batches.hasNext() && seen < STANDARDIZATION_IMAGES) {
                Batch b = batches.next();
                parts.add(ctx.observe(b.images()));
                seen += b.size();
            }
        }
        return ChannelStandardize.estimate(Tensor.concat(0, parts.toArray(Tensor[]::new)));
    }

    private static List<Double> floats(float[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add((double) x);
        }
        return out;
    }

    /** A trained decoder applied in eval mode. */
    static final class PreparedDecoder implements PreparedAttack {
        private final Module decoder;
        private final int[] featureShape;
        private final Map<String, Object> metadata;

        PreparedDecoder(Module decoder, int[] featureShape, Map<String, Object> metadata) {
            this.decoder = decoder;
            this.featureShape = featureShape.clone();
            this.metadata = metadata;
        }

        Module decoder() {
            return decoder;
        }

        @Override
        public Tensor reconstruct(Tensor z) {
            Features.check("decoder attack", z, featureShape);
            decoder.eval();
            List<Tensor> out = new ArrayList<>();
            try (GradMode.Scope g = GradMode.noGrad()) {
                for (int start = 0; start < z.size(0); start += DecoderSettings.EVAL_BATCH) {
                    int end = Math.min(z.size(0), start + DecoderSettings.EVAL_BATCH);
                    out.add(decoder.forward(z.slice(0, start, end)).detach());
                }
            }
            return out.size() == 1 ? out.get(0) : Tensor.concat(0, out.toArray(Tensor[]::new));
        }

        @Override
        public Map<String, Object> metadata() {
            return metadata;
        }
    }
}
