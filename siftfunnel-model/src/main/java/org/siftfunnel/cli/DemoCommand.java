package org.siftfunnel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.model.arch.ModelCost;
import org.siftfunnel.model.console.ProgressBar;
import org.siftfunnel.model.data.DataSources;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.train.Setting;
import org.siftfunnel.model.train.TrainSettings;
import org.siftfunnel.model.train.Trainer;

/**
 * {@code ./siftfunnel demo}: the main job on the bundled Fashion-MNIST subset. Trains the
 * undefended 4-block CNN and the SiftFunnel CNN with the {@code demo} profile and compares
 * accuracy and edge cost. (The attack and estimator stages join this job with issue 5.)
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "train the undefended and SiftFunnel CNNs on the bundled data and compare them";
    }

    @Override
    public String description() {
        return "Trains the undefended 4-block CNN and the SiftFunnel CNN (profile 'demo' unless told\n"
                + "otherwise) on the bundled Fashion-MNIST subset, then prints test accuracy (with and without\n"
                + "BatchNorm recalibration), edge parameters, edge MACs and values sent per image. Each model's\n"
                + "run folder (checkpoints, metrics, settings) and summary.json are written under --out.";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        specs.add(OptionSpec.value("profile", "NAME", "demo", "settings profile: demo, default or paper"));
        for (String name : new String[] {"data", "device", "epochs", "train-limit", "test-limit", "seed", "threads", "image-size"}) {
            for (Setting s : TrainSettings.SETTINGS) {
                if (s.name().equals(name)) {
                    specs.add(OptionSpec.value(s.name(), s.valueName(), null, s.help() + " (default: the profile's)"));
                }
            }
        }
        specs.add(OptionSpec.value("out", "DIR", "runs/demo", "where the run folders and summary.json go"));
        return specs;
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        if (!o.has("profile")) {
            // The demo's own default profile; TrainCommand.resolve treats an absent --profile as 'default'.
            o = Options.parse(name(), options(), withProfile(o));
        }
        TrainSettings base = TrainCommand.resolve(o, name());
        Backend be = TrainCommand.backend(base);
        Path out = o.path("out");
        long start = System.nanoTime();
        System.out.println("siftfunnel demo: profile " + base.profile + ", data " + base.data + ", " + be.description());
        DataSplits data = DataSources.load(base.data);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String defense : new String[] {"none", "siftfunnel"}) {
            TrainSettings s = TrainCommand.resolve(o, name());
            s.set("defense", defense);
            Path run = out.resolve(s.arch + "-" + defense);
            System.out.println();
            System.out.println("== " + (defense.equals("none") ? "undefended CNN" : "SiftFunnel CNN") + " -> " + run);
            Trainer.Result r = TrainCommand.runInterruptibly(new Trainer(s, data, be, run, System.out), false);
            if (r.interrupted()) {
                System.out.println("demo interrupted; partial results are in " + run);
                return 130;
            }
            ModelCost.Cost cost = ModelCost.edge(r.model());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("defense", defense);
            row.put("test_accuracy", r.finalAccuracy());
            row.put("test_accuracy_without_recalibration", r.finalAccuracyNoRecalibration());
            row.put("best_test_accuracy", r.bestAccuracy());
            row.put("edge_params", cost.parameters());
            row.put("edge_macs", cost.macs());
            row.put("values_per_image", r.model().featureSize());
            row.put("seconds", r.seconds());
            row.put("run", run.toString());
            rows.add(row);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-12s %9s %9s %11s %12s %9s%n", "defense", "test acc", "no recal", "edge params", "edge MACs", "sent/img");
        for (Map<String, Object> r : rows) {
            System.out.printf(Locale.ROOT, "%-12s %9.4f %9.4f %,11d %,12d %,9d%n", r.get("defense"), (Float) r.get("test_accuracy"),
                    (Float) r.get("test_accuracy_without_recalibration"), (Long) r.get("edge_params"), (Long) r.get("edge_macs"),
                    (Integer) r.get("values_per_image"));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("profile", base.profile);
        summary.put("models", rows);
        summary.put("seconds", seconds);
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.json"), Json.writePretty(summary) + "\n");
        System.out.println("done in " + ProgressBar.formatSeconds(seconds) + "; summary in " + out.resolve("summary.json"));
        return 0;
    }

    private static String[] withProfile(Options o) {
        List<String> args = new ArrayList<>(List.of("--profile", "demo"));
        for (OptionSpec spec : new DemoCommand().options()) {
            if (o.has(spec.name())) {
                args.add("--" + spec.name());
                args.add(o.string(spec.name()));
            }
        }
        return args.toArray(String[]::new);
    }
}
