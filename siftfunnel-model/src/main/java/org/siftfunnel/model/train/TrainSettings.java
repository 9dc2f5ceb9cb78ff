package org.siftfunnel.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.siftfunnel.engine.io.Json;

/**
 * Every setting of a training run. Values are resolved in layers: the profile's defaults, then
 * a {@code --config} JSON file, then command-line flags; the resolved set is written into the
 * run folder so that a run can be repeated exactly ({@code --config runs/NAME/config.json}).
 */
public final class TrainSettings {
    public String arch = "cnn";
    public String defense = "none";
    public String profile = "default";
    public String data = "bundled";
    public String device = "";
    public int imageSize = 32;
    public int epochs = 15;
    public int batchSize = 128;
    public double lr = 0.002;
    public int warmupEpochs = 1;
    public String lrSchedule = "cosine";
    public long seed = 1;
    public int threads = 0;
    public double alpha = 5;
    public double beta = 2;
    public double gamma = 2;
    public double smoothing = 0.25;
    public double l1Weight = 0.03;
    public double noiseSigma = 0.8;
    public double dropoutRate = 0.8;
    public double nopeekLambda = 1;
    public double midBeta = 1e-3;
    public int midK = 0;
    public double bidoLambdaX = 0.05;
    public double bidoLambdaY = 0.5;
    public double bidoSigma = 5;
    public boolean bidoNormalized = true;
    public double weightDecay = -1;
    public double beta1 = 0.5;
    public double beta2 = 0.999;
    public boolean amsgrad = true;
    public boolean augment = true;
    public boolean preciseBn = true;
    public int preciseBnBatches = 40;
    public int trainLimit = 0;
    public int testLimit = 0;

    private final Set<String> explicitlySet = new LinkedHashSet<>();

    /** The table of settings, in the order help and config files list them. */
    public static final List<Setting> SETTINGS = List.of(
            s("arch", "NAME", "backbone: cnn, vgg16, resnet18", t -> t.arch, (t, v) -> t.arch = choice("arch", v, "cnn", "vgg16", "resnet18")),
            s("defense", "NAME", "defense to train: none (undefended), siftfunnel, ... (see docs/defenses.md)", t -> t.defense, (t, v) -> t.defense = choice("defense", v, org.siftfunnel.model.defense.Defenses.NAMES.toArray(String[]::new))),
            s("profile", "NAME", "demo, default or paper (flags override it)", t -> t.profile, (t, v) -> t.profile = choice("profile", v, "demo", "default", "paper")),
            s("data", "SPEC", "bundled, an IDX/CIFAR/image directory, or an .npz", t -> t.data, (t, v) -> t.data = v),
            s("device", "NAME", "backend: reference, cpu, opencl[:N|:NAME] (empty: fastest available)", t -> t.device, (t, v) -> t.device = v),
            s("image-size", "PX", "input size (multiple of 16)", t -> t.imageSize, (t, v) -> t.imageSize = positiveInt("image-size", v)),
            s("epochs", "N", "training epochs", t -> t.epochs, (t, v) -> t.epochs = positiveInt("epochs", v)),
            s("batch-size", "N", "mini-batch size", t -> t.batchSize, (t, v) -> t.batchSize = positiveInt("batch-size", v)),
            s("lr", "RATE", "Adam learning rate", t -> t.lr, (t, v) -> t.lr = positive("lr", v)),
            s("warmup-epochs", "N", "linear learning-rate warm-up (from lr/10) over N epochs", t -> t.warmupEpochs, (t, v) -> t.warmupEpochs = nonNegativeInt("warmup-epochs", v)),
            s("lr-schedule", "NAME", "after warm-up: constant (the paper's) or cosine (decay to lr/100 at the last epoch)", t -> t.lrSchedule, (t, v) -> t.lrSchedule = choice("lr-schedule", v, "constant", "cosine")),
            s("seed", "N", "random seed (initialisation, shuffling, augmentation, dropout)", t -> t.seed, (t, v) -> t.seed = parseLong("seed", v)),
            s("threads", "N", "CPU threads (0: physical cores)", t -> t.threads, (t, v) -> t.threads = nonNegativeInt("threads", v)),
            s("alpha", "W", "SiftFunnel: weight of the label-smoothed KL task term", t -> t.alpha, (t, v) -> t.alpha = nonNegative("alpha", v)),
            s("beta", "W", "SiftFunnel: weight of dCor²(x, z)", t -> t.beta, (t, v) -> t.beta = nonNegative("beta", v)),
            s("gamma", "W", "SiftFunnel: weight of the inter-channel Pearson term", t -> t.gamma, (t, v) -> t.gamma = nonNegative("gamma", v)),
            s("smoothing", "S", "SiftFunnel: label smoothing s (spread over K-1 classes)", t -> t.smoothing, (t, v) -> t.smoothing = unit("smoothing", v)),
            s("l1-weight", "W", "SiftFunnel: weight of mean|z|", t -> t.l1Weight, (t, v) -> t.l1Weight = nonNegative("l1-weight", v)),
            s("noise-sigma", "S", "noise defense: standard deviation of the Gaussian noise added to Z at inference", t -> t.noiseSigma, (t, v) -> t.noiseSigma = nonNegative("noise-sigma", v)),
            s("dropout-rate", "R", "dropout defense: probability of zeroing each value of Z at inference (no rescaling)", t -> t.dropoutRate, (t, v) -> t.dropoutRate = unit("dropout-rate", v)),
            s("nopeek-lambda", "W", "nopeek: weight of dCor(x, z) added to the cross-entropy", t -> t.nopeekLambda, (t, v) -> t.nopeekLambda = nonNegative("nopeek-lambda", v)),
            s("mid-beta", "W", "mid, mid-head: weight of the KL term of the variational bottleneck", t -> t.midBeta, (t, v) -> t.midBeta = nonNegative("mid-beta", v)),
            s("mid-k", "N", "mid-head: latent size k of the bottleneck (0: half its input size)", t -> t.midK, (t, v) -> t.midK = nonNegativeInt("mid-k", v)),
            s("bido-lambda-x", "W", "bido: weight of HSIC(x, z) (lowered)", t -> t.bidoLambdaX, (t, v) -> t.bidoLambdaX = nonNegative("bido-lambda-x", v)),
            s("bido-lambda-y", "W", "bido: weight of HSIC(z, y) (raised)", t -> t.bidoLambdaY, (t, v) -> t.bidoLambdaY = nonNegative("bido-lambda-y", v)),
            s("bido-sigma", "S", "bido: Gaussian kernel width, scaled by sqrt(dimension) of each variable", t -> t.bidoSigma, (t, v) -> t.bidoSigma = positive("bido-sigma", v)),
            s("bido-normalized", "BOOL", "bido: normalised HSIC (HSIC(a,b)/sqrt(HSIC(a,a)·HSIC(b,b))) instead of the plain HSIC", t -> t.bidoNormalized, (t, v) -> t.bidoNormalized = bool("bido-normalized", v)),
            s("weight-decay", "W", "Adam weight decay (-1: 1e-3 for siftfunnel, 0 undefended, as the paper)", t -> t.weightDecay, (t, v) -> t.weightDecay = number("weight-decay", v)),
            s("beta1", "B", "Adam beta1", t -> t.beta1, (t, v) -> t.beta1 = unit("beta1", v)),
            s("beta2", "B", "Adam beta2", t -> t.beta2, (t, v) -> t.beta2 = unit("beta2", v)),
            s("amsgrad", "BOOL", "Adam AMSGrad", t -> t.amsgrad, (t, v) -> t.amsgrad = bool("amsgrad", v)),
            s("augment", "BOOL", "random flip + colour jitter 0.2 (the paper's augmentation)", t -> t.augment, (t, v) -> t.augment = bool("augment", v)),
            s("precise-bn", "BOOL", "recalibrate BatchNorm statistics before evaluation", t -> t.preciseBn, (t, v) -> t.preciseBn = bool("precise-bn", v)),
            s("precise-bn-batches", "N", "training batches used to recalibrate BatchNorm", t -> t.preciseBnBatches, (t, v) -> t.preciseBnBatches = positiveInt("precise-bn-batches", v)),
            s("train-limit", "N", "use only the first N training images (0: all)", t -> t.trainLimit, (t, v) -> t.trainLimit = nonNegativeInt("train-limit", v)),
            s("test-limit", "N", "use only the first N test images (0: all)", t -> t.testLimit, (t, v) -> t.testLimit = nonNegativeInt("test-limit", v)));

    private static Setting s(String name, String valueName, String help, java.util.function.Function<TrainSettings, Object> g,
                             java.util.function.BiConsumer<TrainSettings, String> set) {
        return new Setting(name, valueName, help, g, set);
    }

    /** Settings of a profile, before any config file or flag. */
    public static TrainSettings forProfile(String profile) {
        TrainSettings t = new TrainSettings();
        t.set("profile", profile);
        Profiles.apply(t);
        t.explicitlySet.clear();
        return t;
    }

    /** Sets one value from text; unknown names and bad values are IllegalArgumentExceptions naming them. */
    public TrainSettings set(String name, String value) {
        for (Setting s : SETTINGS) {
            if (s.name().equals(name)) {
                s.setter().accept(this, value);
                explicitlySet.add(name);
                return this;
            }
        }
        throw new IllegalArgumentException("unknown setting '" + name + "'");
    }

    public boolean isSet(String name) {
        return explicitlySet.contains(name);
    }

    /** Applies a JSON object of settings (as written by {@link #toJson()}). */
    public TrainSettings apply(Map<String, Object> json, String source) {
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals("profile")) {
                continue;
            }
            try {
                Object v = e.getValue();
                set(e.getKey(), v instanceof Double d && d == Math.rint(d) && !e.getKey().matches("lr|alpha|beta|gamma|smoothing|l1-weight|weight-decay|beta1|beta2")
                        ? Long.toString(d.longValue()) : String.valueOf(v));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ": " + ex.getMessage());
            }
        }
        return this;
    }

    /** Reads a --config file: a JSON object whose keys are setting names. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readConfig(Path file) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new IOException(file + ": a config file must hold a JSON object of settings");
        }
        return (Map<String, Object>) parsed;
    }

    /** Every setting with its resolved value. */
    public LinkedHashMap<String, Object> toJson() {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            m.put(s.name(), s.getter().apply(this));
        }
        m.put("weight-decay", effectiveWeightDecay());
        return m;
    }

    /**
     * Whether the defense trains the SiftFunnel architecture with SiftFunnel's optimiser: SiftFunnel
     * itself, its ablations and the bare funnel (so that ablations differ only in their loss).
     */
    public boolean isSiftFunnel() {
        return defense.equals("siftfunnel") || defense.startsWith("siftfunnel-") || defense.equals("funnel");
    }

    /** The paper's defaults when not given: 1e-3 for the SiftFunnel family, none otherwise. */
    public double effectiveWeightDecay() {
        return weightDecay >= 0 ? weightDecay : isSiftFunnel() ? 1e-3 : 0;
    }

    /** Checks combinations a single value cannot (the architecture itself checks the rest). */
    public void validate() {
        if (imageSize % 16 != 0) {
            throw new IllegalArgumentException("image-size must be a multiple of 16, got " + imageSize);
        }
        if (warmupEpochs > epochs) {
            throw new IllegalArgumentException("warmup-epochs (" + warmupEpochs + ") exceeds epochs (" + epochs + ")");
        }
    }

    // ---------------------------------------------------------------- parsing helpers

    private static String choice(String name, String v, String... allowed) {
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects an integer, got '" + v + "'");
        }
    }

    private static int positiveInt(String name, String v) {
        long x = parseLong(name, v);
        if (x <= 0 || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive integer, got " + v);
        }
        return (int) x;
    }

    private static int nonNegativeInt(String name, String v) {
        long x = parseLong(name, v);
        if (x < 0 || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be ≥ 0, got " + v);
        }
        return (int) x;
    }

    private static double number(String name, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a number, got '" + v + "'");
        }
    }

    private static double positive(String name, String v) {
        double d = number(name, v);
        if (d <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
        return d;
    }

    private static double nonNegative(String name, String v) {
        double d = number(name, v);
        if (d < 0) {
            throw new IllegalArgumentException(name + " must be ≥ 0, got " + v);
        }
        return d;
    }

    private static double unit(String name, String v) {
        double d = number(name, v);
        if (d < 0 || d >= 1) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
        return d;
    }

    private static boolean bool(String name, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(name + " expects true or false, got '" + v + "'");
        };
    }
}
