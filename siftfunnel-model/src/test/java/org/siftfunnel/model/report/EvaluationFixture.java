package org.siftfunnel.model.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;

/**
 * A synthetic evaluation folder in the shape of the evaluate/report contract: four defenses
 * (none, noise with a sweep, nopeek, siftfunnel), two attacks, three seeds with spreads, small
 * reconstruction tensors and two training runs. The numbers are chosen so that every claim
 * passes; tests change them to make claims fail. {@link #main} writes one to a folder for people
 * to look at.
 */
final class EvaluationFixture {
    static final int IMAGES = 8;
    static final int CHANNELS = 3;
    static final int SIZE = 8;
    static final List<String> DEFENSES = List.of("none", "noise", "nopeek", "siftfunnel");
    static final List<String> ATTACKS = List.of("blackbox", "whitebox-paper");

    /** results.json as nested maps, editable before {@link #write}. */
    final Map<String, Object> results = new LinkedHashMap<>();
    /** Image side of the reconstruction tensors (tests: {@link #SIZE}; the sample: 32 as a real run). */
    private final int size;

    EvaluationFixture() {
        this(SIZE);
    }

    EvaluationFixture(int size) {
        this.size = size;
        results.put("format", "siftfunnel-results/1");
        results.put("arch", "cnn");
        results.put("profile", "demo");
        results.put("seeds", List.of(1, 2, 3));
        results.put("settings", map("train", map("epochs", 3, "lr", 0.01, "batch", 64), "attacks",
                map("blackbox", map("epochs", 5, "lr", 0.001)), "mine", map("epochs", 20)));
        results.put("environment", map("git_commit", "0123456789abcdef", "jdk", "25.0.3", "backend", "cpu", "vector_width", 512,
                "threads", 2, "data", map("name", "bundled", "hashes", map("train.npz", "ab12cd34", "test.npz", "ef56ab78"))));
        results.put("timings", map("total_s", 612.5, "train_s", 400.0, "attacks_s", 150.25, "mine_s", 62.25));
        results.put("selection_rule", "lowest MSE on the private training split (paper)");
        results.put("comparable_within", 0.03);
        results.put("reference_defense", "siftfunnel");
        Map<String, Object> defenses = new LinkedHashMap<>();
        defenses.put("none", defense(map(), 0.91, true, 0.66, 0.9, 2.0, 0.02, 0.60, 0.80, "train/none-seed1"));
        Map<String, Object> noise = defense(map("sigma", 0.8), 0.89, true, 0.66, 0.8, 1.5, 0.035, 0.45, 0.70, null);
        noise.put("sweep", List.of(
                point(map("sigma", 0.2), 0.905, true, 0.025, 0.55, 0.78),
                point(map("sigma", 0.8), 0.89, true, 0.035, 0.45, 0.70),
                point(map("sigma", 1.5), 0.80, false, 0.08, 0.20, 0.40)));
        defenses.put("noise", noise);
        defenses.put("nopeek", defense(map("lambda", 0.5), 0.90, true, 0.5, 0.7, 1.2, 0.04, 0.40, 0.65, null));
        defenses.put("siftfunnel", defense(map(), 0.895, true, 0.1, 0.3, 0.5, 0.06, 0.25, 0.30, "train/siftfunnel-seed1"));
        results.put("defenses", defenses);
        List<Object> perSeed = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            Map<String, Object> d = new LinkedHashMap<>();
            for (String name : DEFENSES) {
                d.put(name, map("accuracy", 0.88 + 0.01 * s, "attacks", map("blackbox", map("ssim", 0.2 + 0.05 * s))));
            }
            perSeed.add(map("seed", s, "defenses", d));
        }
        results.put("per_seed", perSeed);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> defense(String name) {
        return (Map<String, Object>) ((Map<String, Object>) results.get("defenses")).get(name);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> attack(String defense, String attack) {
        return (Map<String, Object>) ((Map<String, Object>) defense(defense).get("attacks")).get(attack);
    }

    private static Map<String, Object> defense(Map<String, Object> params, double acc, boolean comparable, double dzRatio,
            double minePaper, double mineCorrected, double mse, double ssim, double attackAcc, String trainRun) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("params", params);
        d.put("accuracy", acc);
        d.put("accuracy_std", 0.004);
        d.put("comparable", comparable);
        d.put("delta_z", dzRatio * 768);
        d.put("delta_z_std", 3.0);
        d.put("feature_dim", 768);
        d.put("delta_z_ratio", dzRatio);
        d.put("delta_z_ratio_std", 3.0 / 768);
        d.put("mine_paper", minePaper);
        d.put("mine_paper_std", 0.02);
        d.put("mine_corrected", mineCorrected);
        d.put("mine_corrected_std", 0.1);
        d.put("dcor_xz", 0.5 + dzRatio / 2);
        d.put("effective_rank", 10 + 20 * dzRatio);
        d.put("edge_params", trainRun != null && trainRun.contains("siftfunnel") ? 9202 : 74880);
        d.put("edge_macs", trainRun != null && trainRun.contains("siftfunnel") ? 6_200_000 : 47_000_000);
        d.put("bytes_per_image", trainRun != null && trainRun.contains("siftfunnel") ? 3072 : 32768);
        d.put("edge_latency_ms", 0.8);
        d.put("edge_cost_ratio", trainRun != null && trainRun.contains("siftfunnel") ? 0.13 : 1.0);
        Map<String, Object> attacks = new LinkedHashMap<>();
        attacks.put("blackbox", attackResult(mse, ssim, attackAcc, true));
        attacks.put("whitebox-paper", attackResult(mse * 1.5, ssim / 2, attackAcc / 2, true));
        d.put("attacks", attacks);
        d.put("strongest_attack", "blackbox");
        if (trainRun != null) {
            d.put("train_run", trainRun);
        }
        return d;
    }

    private static Map<String, Object> point(Map<String, Object> params, double acc, boolean comparable, double mse, double ssim,
            double attackAcc) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("params", params);
        d.put("accuracy", acc);
        d.put("comparable", comparable);
        d.put("mine_corrected", 1.5);
        d.put("delta_z_ratio", 0.66);
        d.put("attacks", map("blackbox", attackResult(mse, ssim, attackAcc, false)));
        return d;
    }

    private static Map<String, Object> attackResult(double mse, double ssim, double attackAcc, boolean withStd) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("mse", mse);
        a.put("psnr", -10 * Math.log10(mse));
        a.put("ssim", ssim);
        a.put("attack_accuracy", attackAcc);
        if (withStd) {
            a.put("mse_std", mse / 20);
            a.put("ssim_std", 0.02);
            a.put("attack_accuracy_std", 0.01);
        }
        a.put("paper_mse", 3 * mse);
        return a;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Writes results.json, the reconstruction tensors of every defense × attack and two training runs. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeResults(dir);
        float[] originals = originals(size);
        int d = 0;
        for (String defense : DEFENSES) {
            int a = 0;
            for (String attack : ATTACKS) {
                Path f = dir.resolve("recon/" + defense + "/" + attack + ".safetensors");
                Files.createDirectories(f.getParent());
                Map<String, StoredTensor> t = new LinkedHashMap<>();
                t.put("original", StoredTensor.ofFloats(originals, IMAGES, CHANNELS, size, size));
                t.put("reconstruction", StoredTensor.ofFloats(blurred(originals, 0.15f * (d + 1) + 0.2f * a, 31 * d + a), IMAGES,
                        CHANNELS, size, size));
                SafeTensors.write(f, t, Map.of());
                a++;
            }
            d++;
        }
        writeMetrics(dir.resolve("train/none-seed1"), 0.0);
        writeMetrics(dir.resolve("train/siftfunnel-seed1"), 0.02);
    }

    void writeResults(Path dir) throws IOException {
        Files.writeString(dir.resolve("results.json"), Json.writePretty(results) + "\n", StandardCharsets.UTF_8);
    }

    private static void writeMetrics(Path run, double offset) throws IOException {
        Files.createDirectories(run);
        StringBuilder sb = new StringBuilder();
        for (int e = 1; e <= 4; e++) {
            Map<String, Object> line = map("epoch", e, "lr", 0.01, "train_loss", 2.0 / e + offset, "train_accuracy", 0.5 + 0.1 * e,
                    "test_accuracy", 0.5 + 0.1 * e - offset, "test_accuracy_without_recalibration", 0.45 + 0.1 * e);
            sb.append(Json.write(line)).append('\n');
        }
        Files.writeString(run.resolve("metrics.jsonl"), sb.toString(), StandardCharsets.UTF_8);
    }

    static float[] originals() {
        return originals(SIZE);
    }

    /** Smooth coloured patterns, one per image, in [0, 1]. */
    static float[] originals(int size) {
        float[] x = new float[IMAGES * CHANNELS * size * size];
        int i = 0;
        for (int n = 0; n < IMAGES; n++) {
            for (int c = 0; c < CHANNELS; c++) {
                for (int y = 0; y < size; y++) {
                    for (int w = 0; w < size; w++) {
                        double v = 0.5 + 0.5 * Math.sin(0.7 * (n + 1) * y / size * Math.PI + 0.9 * c + 4.0 * w / size);
                        x[i++] = (float) v;
                    }
                }
            }
        }
        return x;
    }

    /** The originals pulled towards grey by {@code amount} plus deterministic noise: a stand-in reconstruction. */
    private static float[] blurred(float[] x, float amount, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float v = (1 - amount) * x[i] + amount * 0.5f + 0.08f * (float) rnd.nextGaussian();
            out[i] = Math.max(0f, Math.min(1f, v));
        }
        return out;
    }

    /** Writes the fixture (32×32 images, as a real run) to {@code args[0]} and renders its report there (a sample to look at). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        new EvaluationFixture(32).write(dir);
        Reports.WrittenReport r = Reports.write(dir);
        System.out.println("wrote " + r.markdown() + " and " + r.html());
    }
}
