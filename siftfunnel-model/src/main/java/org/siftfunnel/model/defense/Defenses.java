package org.siftfunnel.model.defense;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.MidArchitectures.Placement;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.defense.SiftFunnelAblation.Ablated;
import org.siftfunnel.model.objective.SiftFunnelObjective;
import org.siftfunnel.model.objective.TaskObjective;
import org.siftfunnel.model.train.Setting;
import org.siftfunnel.model.train.TrainSettings;

/**
 * The registry of defenses by name, configured from a run's settings. Each defense declares its
 * strength parameters and the training setting each is read from (e.g. {@code noise}'s
 * {@code sigma} is {@code --noise-sigma}); {@link Sweep} uses the same table, so a parameter
 * that can be set can be swept. See docs/defenses.md for formulas and defaults.
 */
public final class Defenses {
    /** A defense's parameters (name → setting) and how to build it from their values. */
    private record Entry(Map<String, String> parameterSettings, Function<Map<String, Double>, Defense> factory) {
    }

    private static final Map<String, Entry> REGISTRY = registry();

    /** Every name {@link #create} accepts, in the order results and help list them. */
    public static final List<String> NAMES = List.copyOf(REGISTRY.keySet());

    private Defenses() {
    }

    private static Map<String, Entry> registry() {
        Map<String, Entry> r = new LinkedHashMap<>();
        r.put("none", new Entry(params(), p -> new ObjectiveDefense("none", "none", new TaskObjective(), p)));
        r.put("noise", new Entry(params("sigma", "noise-sigma"), p -> new GaussianNoiseDefense(p.get("sigma"))));
        r.put("dropout", new Entry(params("rate", "dropout-rate"), p -> new FeatureDropoutDefense(p.get("rate"))));
        r.put("nopeek", new Entry(params("lambda", "nopeek-lambda"),
                p -> new ObjectiveDefense("nopeek", "none", new NoPeekObjective(f(p, "lambda")), p)));
        r.put("mid", new Entry(params("beta", "mid-beta"), p -> new MidDefense(Placement.SPLIT, p.get("beta"), 0)));
        r.put("mid-head", new Entry(params("beta", "mid-beta", "k", "mid-k"),
                p -> new MidDefense(Placement.HEAD, p.get("beta"), p.get("k").intValue())));
        r.put("bido", new Entry(params("lambda-x", "bido-lambda-x", "lambda-y", "bido-lambda-y", "sigma", "bido-sigma",
                "normalized", "bido-normalized"),
                p -> new ObjectiveDefense("bido", "none",
                        new BidoObjective(f(p, "lambda-x"), f(p, "lambda-y"), f(p, "sigma"), p.get("normalized") != 0), p)));
        r.put("ls", new Entry(params("smoothing", "smoothing"),
                p -> new ObjectiveDefense("ls", "none", new LabelSmoothingObjective(f(p, "smoothing")), p)));
        r.put("funnel", new Entry(params(), p -> new ObjectiveDefense("funnel", "siftfunnel", new TaskObjective(), p)));
        r.put("siftfunnel", new Entry(siftFunnelParams(null),
                p -> new ObjectiveDefense("siftfunnel", "siftfunnel", siftFunnelObjective(p), p)));
        for (Ablated a : Ablated.values()) {
            r.put(a.defenseName(), new Entry(siftFunnelParams(a),
                    p -> new ObjectiveDefense(a.defenseName(), "siftfunnel", new SiftFunnelAblation(siftFunnelObjective(p), a), p)));
        }
        return Collections.unmodifiableMap(r);
    }

    /** SiftFunnel's parameters, less the one an ablation makes irrelevant. */
    private static Map<String, String> siftFunnelParams(Ablated without) {
        Map<String, String> p = params("alpha", "alpha", "beta", "beta", "gamma", "gamma", "smoothing", "smoothing", "l1", "l1-weight");
        if (without != null) {
            p.remove(switch (without) {
                case DCOR -> "beta";
                case PEARSON -> "gamma";
                case L1 -> "l1";
                case LABEL_SMOOTHING -> "smoothing";
            });
        }
        return p;
    }

    /** The full objective; a parameter an ablation dropped is absent and its weight unused. */
    private static SiftFunnelObjective siftFunnelObjective(Map<String, Double> p) {
        SiftFunnelObjective d = SiftFunnelObjective.paperDefaults();
        return new SiftFunnelObjective(f(p, "alpha", d.alpha()), f(p, "beta", d.beta()), f(p, "gamma", d.gamma()),
                f(p, "l1", d.l1Weight()), f(p, "smoothing", d.smoothing()), true);
    }

    private static Map<String, String> params(String... nameSettingPairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameSettingPairs.length; i += 2) {
            m.put(nameSettingPairs[i], nameSettingPairs[i + 1]);
        }
        return m;
    }

    private static float f(Map<String, Double> p, String name) {
        return p.get(name).floatValue();
    }

    private static float f(Map<String, Double> p, String name, float absent) {
        Double v = p.get(name);
        return v == null ? absent : v.floatValue();
    }

    /** Builds the defense {@code s.defense} with its parameters read from {@code s}. */
    public static Defense create(TrainSettings s) {
        Entry e = entry(s.defense);
        Map<String, Double> values = new LinkedHashMap<>();
        e.parameterSettings().forEach((param, setting) -> values.put(param, value(s, setting)));
        return e.factory().apply(values);
    }

    /**
     * A freshly initialised model of the architecture a run trained with defense {@code name}
     * has (the undefended backbone for most; SiftFunnel's for {@code siftfunnel}, {@code funnel}
     * and the ablations; the backbone with its bottleneck for {@code mid} and {@code mid-head}),
     * with every strength parameter at its default (only {@code mid-head}'s latent size changes
     * the architecture: a model trained with another {@code --mid-k} does not load into it).
     * For loading a trained model's weights by its defense's name (checkpoints and exports record
     * the defense, not the architecture).
     *
     * @throws IllegalArgumentException for an unknown defense or backbone
     */
    public static SplitModel architecture(String name, String backbone, ArchConfig config, RandomSource rng) {
        TrainSettings s = TrainSettings.forProfile("default");
        s.set("defense", name);
        return create(s).build(backbone, config, rng);
    }

    /**
     * The strength parameters of defense {@code name}, each with the training setting it is read
     * from (in the order {@link Defense#parameters()} lists them).
     *
     * @throws IllegalArgumentException for an unknown defense
     */
    public static Map<String, String> parameterSettings(String name) {
        return Collections.unmodifiableMap(entry(name).parameterSettings());
    }

    private static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown defense '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return e;
    }

    /** A setting's value as a number (a switch as 1 or 0). */
    private static double value(TrainSettings s, String settingName) {
        for (Setting setting : TrainSettings.SETTINGS) {
            if (setting.name().equals(settingName)) {
                Object v = setting.getter().apply(s);
                return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
            }
        }
        throw new IllegalStateException("Defenses: no training setting '" + settingName + "'");
    }
}
