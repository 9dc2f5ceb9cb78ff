package org.siftfunnel.model.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.siftfunnel.model.attack.AttackOptions;
import org.siftfunnel.model.attack.Attacks;
import org.siftfunnel.model.attack.SelectionRule;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.defense.Sweep;
import org.siftfunnel.model.mine.MineRunSettings;
import org.siftfunnel.model.runtime.wire.WireDType;

/**
 * Every setting of an evaluation besides the training settings of its models: which defenses
 * and attacks, how many seeds, the strength sweeps, and the budgets of each stage (attack
 * epochs and iterations, MINE epochs, image counts). Like {@code TrainSettings} they resolve in
 * layers: the profile's budgets ({@link #forProfile}), then a {@code --config} file, then flags;
 * a value 0 for an attack budget keeps the attack's own default (the paper's).
 */
public final class EvaluationSettings {
    /** One setting: CLI flag and JSON key, help, and how to read and write it. */
    public record Item(String name, String valueName, String help, Function<EvaluationSettings, Object> getter,
                       BiConsumer<EvaluationSettings, String> setter) {
    }

    public List<String> defenses = List.of("none", "noise", "dropout", "nopeek", "mid", "bido", "siftfunnel");
    public List<String> attacks = Attacks.NAMES;
    public int seeds = 1;
    /** {@code --sweep} specs, each {@code DEFENSE.PARAMETER=V1,V2,...}. */
    public List<String> sweeps = List.of();
    public String referenceDefense = "siftfunnel";
    public double comparableWithin = 0.03;
    public boolean mine = true;
    public int mineEpochs = MineRunSettings.PAPER_EPOCHS;
    public int mineBatchSize = 128;
    public int mineTrainLimit = 0;
    public int mineEvalLimit = 0;
    public int decoderEpochs = 0;
    public int inversionIterations = 0;
    public int shadowEpochs = 0;
    public int tvSweepImages = 0;
    public int selectionLimit = 0;
    public String selectionRule = SelectionRule.PRIVATE_TRAIN.label();
    public int auxLimit = 0;
    public int attackImages = 64;
    public int featureImages = 1024;
    public int classifierEpochs = 10;
    public int latencyRuns = 300;
    /**
     * The dtype the features travel in (docs/wire-format.md): every stage that sees z (accuracy,
     * features, MINE, attacks) sees it after a round trip through this dtype, as the cloud and an
     * eavesdropper would. float32 leaves z unchanged.
     */
    public String wireDtype = "float32";
    /**
     * The least time between two snapshots of a long stage (a decoder's or shadow edge's
     * training, an inversion, a MINE estimator), which let a stopped stage resume after its last
     * saved epoch or iteration; 0 saves after every one. Not an input of any stage: it changes no number.
     */
    public int snapshotSeconds = 60;

    public static final List<Item> ITEMS = List.of(
            item("defenses", "LIST", "comma-separated defenses to evaluate (see docs/defenses.md)", t -> String.join(",", t.defenses),
                    (t, v) -> t.defenses = names("defenses", v, Defenses.NAMES)),
            item("attacks", "LIST", "comma-separated attacks to run on every defense (see docs/attacks.md)", t -> String.join(",", t.attacks),
                    (t, v) -> t.attacks = names("attacks", v, Attacks.NAMES)),
            item("seeds", "N", "seeds per model: --seed, --seed+1, ... (numbers become means with _std)", t -> t.seeds,
                    (t, v) -> t.seeds = positive("seeds", v)),
            item("sweep", "SPECS", "strength sweeps DEFENSE.PARAM=V1,V2,... separated by ';' (e.g. noise.sigma=0.2,0.5;dropout.rate=0.5,0.9)",
                    t -> String.join(";", t.sweeps), (t, v) -> t.sweeps = sweeps(v)),
            item("reference-defense", "NAME", "the defense whose accuracy others must stay close to", t -> t.referenceDefense,
                    (t, v) -> t.referenceDefense = names("reference-defense", v, Defenses.NAMES).get(0)),
            item("comparable-within", "DELTA", "accuracy drop below the reference that still counts as comparable (0.03 = 3 points)",
                    t -> t.comparableWithin, (t, v) -> t.comparableWithin = fraction("comparable-within", v)),
            item("mine", "on|off", "estimate I(X;Z) with MINE (paper and corrected)", t -> t.mine ? "on" : "off",
                    (t, v) -> t.mine = onOff("mine", v)),
            item("mine-epochs", "N", "epochs of each MINE estimator (the paper: 100)", t -> t.mineEpochs,
                    (t, v) -> t.mineEpochs = positive("mine-epochs", v)),
            item("mine-batch-size", "N", "MINE batch size (the paper: 128; z is shuffled within a batch)", t -> t.mineBatchSize,
                    (t, v) -> t.mineBatchSize = atLeast("mine-batch-size", v, 2)),
            item("mine-train-limit", "N", "MINE critics train on the first N private training images (0: all)", t -> t.mineTrainLimit,
                    (t, v) -> t.mineTrainLimit = nonNegative("mine-train-limit", v)),
            item("mine-eval-limit", "N", "MINE critics are evaluated on the first N auxiliary images (0: all)", t -> t.mineEvalLimit,
                    (t, v) -> t.mineEvalLimit = nonNegative("mine-eval-limit", v)),
            item("decoder-epochs", "N", "epochs of the black-box decoders (0: the attack's own, 100 / adaptive 200)", t -> t.decoderEpochs,
                    (t, v) -> t.decoderEpochs = nonNegative("decoder-epochs", v)),
            item("inversion-iterations", "N", "iterations of the white-box and shadow inversions (0: the attack's own, 500 / 1000)",
                    t -> t.inversionIterations, (t, v) -> t.inversionIterations = nonNegative("inversion-iterations", v)),
            item("shadow-epochs", "N", "epochs of the shadow edge (0: the attack's own, 20)", t -> t.shadowEpochs,
                    (t, v) -> t.shadowEpochs = nonNegative("shadow-epochs", v)),
            item("tv-sweep-images", "N", "auxiliary images each TV-weight candidate is tried on (0: the attack's own, 8)",
                    t -> t.tvSweepImages, (t, v) -> t.tvSweepImages = nonNegative("tv-sweep-images", v)),
            item("selection-limit", "N", "decoder checkpoint selection on at most N images per epoch (0: all)", t -> t.selectionLimit,
                    (t, v) -> t.selectionLimit = nonNegative("selection-limit", v)),
            item("selection-rule", "RULE", "decoder checkpoint rule: private-train (the paper's) or aux-holdout", t -> t.selectionRule,
                    (t, v) -> t.selectionRule = SelectionRule.fromLabel(v).label()),
            item("aux-limit", "N", "the attacker uses the first N auxiliary images (0: all)", t -> t.auxLimit,
                    (t, v) -> t.auxLimit = nonNegative("aux-limit", v)),
            item("attack-images", "N", "private test images every attack reconstructs (spread over the test split)", t -> t.attackImages,
                    (t, v) -> t.attackImages = positive("attack-images", v)),
            item("feature-images", "N", "test images for ΔZ, dCor(x, z) and the covariance spectrum", t -> t.featureImages,
                    (t, v) -> t.featureImages = atLeast("feature-images", v, 2)),
            item("classifier-epochs", "N", "epochs of the evaluation classifier that scores attack accuracy", t -> t.classifierEpochs,
                    (t, v) -> t.classifierEpochs = positive("classifier-epochs", v)),
            item("latency-runs", "N", "timed single-image edge runs per defense (median reported)", t -> t.latencyRuns,
                    (t, v) -> t.latencyRuns = positive("latency-runs", v)),
            item("wire-dtype", "DTYPE", "dtype z travels in: float32, float16 or int8 (every stage sees z after that round trip)",
                    t -> t.wireDtype, (t, v) -> t.wireDtype = WireDType.parse(v).label()),
            item("snapshot-seconds", "N", "attacks and MINE save a snapshot to resume from at most every N seconds (0: every epoch or iteration)",
                    t -> t.snapshotSeconds, (t, v) -> t.snapshotSeconds = nonNegative("snapshot-seconds", v)));

    private static Item item(String name, String valueName, String help, Function<EvaluationSettings, Object> g,
                             BiConsumer<EvaluationSettings, String> s) {
        return new Item(name, valueName, help, g, s);
    }

    /**
     * The budgets of a profile: {@code demo} fits the whole job in minutes on 2 cores,
     * {@code default} is a longer but still laptop-sized evaluation, {@code paper} keeps every
     * attack's and estimator's own (paper) settings.
     */
    public static EvaluationSettings forProfile(String profile) {
        EvaluationSettings e = new EvaluationSettings();
        switch (profile) {
            case "demo" -> {
                // Sized by measurement (docs/evaluation.md, "Demo time budget"): training the three
                // models takes about half of the 10 minutes on 2 cores, the rest is shared here.
                e.defenses = List.of("none", "noise", "dropout", "nopeek", "siftfunnel");
                e.attacks = List.of("blackbox", "whitebox");
                e.mineEpochs = 2;
                e.mineBatchSize = 32;
                e.mineTrainLimit = 128;
                e.mineEvalLimit = 64;
                e.decoderEpochs = 4;
                e.inversionIterations = 100;
                e.shadowEpochs = 2;
                e.tvSweepImages = 3;
                e.selectionLimit = 256;
                e.auxLimit = 600;
                e.attackImages = 16;
                e.featureImages = 512;
                e.classifierEpochs = 2;
                e.latencyRuns = 200;
            }
            case "default" -> {
                // MINE's conv critic costs about 100 M MACs per sample on a 128-channel z at 32×32
                // (1.5 s per step of 2×128 samples on 2 cores): 20 epochs on all 10,000 images took
                // 40 min per estimator and defense. 10 epochs on 2,000 images (160 steps) keep a
                // 3-seed evaluation within hours (docs/evaluation.md).
                e.mineEpochs = 10;
                e.mineTrainLimit = 2000;
                e.mineEvalLimit = 1000;
                e.decoderEpochs = 30;
                e.inversionIterations = 500;
                e.shadowEpochs = 10;
                e.selectionLimit = 1000;
                e.attackImages = 64;
                e.classifierEpochs = 8;
            }
            case "paper" -> {
                e.attackImages = 64;
                e.classifierEpochs = 20;
            }
            default -> throw new IllegalArgumentException("unknown profile '" + profile + "' (demo, default, paper)");
        }
        return e;
    }

    /** Sets one value from text; unknown names and bad values are IllegalArgumentExceptions naming them. */
    public EvaluationSettings set(String name, String value) {
        Item i = itemNamed(name);
        if (i == null) {
            throw new IllegalArgumentException("unknown evaluation setting '" + name + "'");
        }
        i.setter().accept(this, value);
        return this;
    }

    public static Item itemNamed(String name) {
        for (Item i : ITEMS) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    /** The attack budgets as the attack registry takes them. */
    public AttackOptions attackOptions() {
        return new AttackOptions(decoderEpochs, SelectionRule.fromLabel(selectionRule), selectionLimit, inversionIterations,
                shadowEpochs, tvSweepImages);
    }

    /** The parsed {@code --sweep} specs (each checked against the defense registry). */
    public List<Sweep> parsedSweeps() {
        return Sweep.parseAll(sweeps);
    }

    /** The MINE run settings for one seed. */
    public MineRunSettings mineSettings(long seed) {
        return MineRunSettings.paper().withEpochs(mineEpochs).withBatchSize(mineBatchSize).withSeed(seed);
    }

    /** Every setting with its resolved value (lists as lists). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Item i : ITEMS) {
            m.put(i.name(), switch (i.name()) {
                case "defenses" -> defenses;
                case "attacks" -> attacks;
                case "sweep" -> sweeps;
                default -> i.getter().apply(this);
            });
        }
        return m;
    }

    // ---------------------------------------------------------------- parsing helpers

    /** A comma-separated list of known names, without repeats, in the order given. */
    static List<String> names(String option, String v, List<String> known) {
        List<String> out = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            String n = part.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                throw new IllegalArgumentException(option + ": empty name in '" + v + "'");
            }
            if (!known.contains(n)) {
                throw new IllegalArgumentException(option + ": unknown name '" + part.trim() + "'; known: " + String.join(", ", known));
            }
            if (out.contains(n)) {
                throw new IllegalArgumentException(option + ": '" + n + "' is given twice");
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    /** ';'-separated sweep specs, each parsed once here so that a bad one fails before any work. */
    static List<String> sweeps(String v) {
        if (v.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String spec : v.split(";")) {
            if (spec.isBlank()) {
                continue;
            }
            out.add(Sweep.parse(spec.trim()).toString());
        }
        return List.copyOf(out);
    }

    private static long integer(String name, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects an integer, got '" + v + "'");
        }
    }

    private static int positive(String name, String v) {
        return atLeast(name, v, 1);
    }

    private static int atLeast(String name, String v, int min) {
        long x = integer(name, v);
        if (x < min || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be an integer ≥ " + min + ", got " + v);
        }
        return (int) x;
    }

    private static int nonNegative(String name, String v) {
        return atLeast(name, v, 0);
    }

    private static double fraction(String name, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0 && d <= 1)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a number in [0, 1], got '" + v + "'");
        }
    }

    private static boolean onOff(String name, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(name + " expects on or off, got '" + v + "'");
        };
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
