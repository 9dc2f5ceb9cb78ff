package org.siftfunnel.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.model.console.ProgressBar;
import org.siftfunnel.model.data.DataSources;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.evaluate.Evaluation;
import org.siftfunnel.model.evaluate.EvaluationSettings;
import org.siftfunnel.model.evaluate.SummaryTable;
import org.siftfunnel.model.report.Claim;
import org.siftfunnel.model.report.Reports;
import org.siftfunnel.model.train.Setting;
import org.siftfunnel.model.train.TrainSettings;

/**
 * What {@code evaluate} and {@code demo} share: their options, the layered resolution of the
 * training and evaluation settings (profile → {@code --config} file → flags), the Ctrl-C
 * handling, the run itself and the summary. The demo is this with its defenses and attacks fixed.
 */
final class EvaluationRun {
    private EvaluationRun() {
    }

    /** Training settings every evaluation model shares; {@code --defense} is replaced by {@code --defenses}. */
    static List<OptionSpec> trainOptions(Set<String> only) {
        List<OptionSpec> specs = new ArrayList<>();
        for (Setting s : TrainSettings.SETTINGS) {
            if (s.name().equals("defense") || s.name().equals("profile") || (only != null && !only.contains(s.name()))) {
                continue;
            }
            specs.add(OptionSpec.value(s.name(), s.valueName(), null, s.help() + " (default: the profile's)"));
        }
        return specs;
    }

    static List<OptionSpec> evaluationOptions(Set<String> only) {
        List<OptionSpec> specs = new ArrayList<>();
        for (EvaluationSettings.Item i : EvaluationSettings.ITEMS) {
            if (only == null || only.contains(i.name())) {
                specs.add(OptionSpec.value(i.name(), i.valueName(), null, i.help() + " (default: the profile's)"));
            }
        }
        return specs;
    }

    /** The resolved settings of one evaluation. */
    record Resolved(TrainSettings train, EvaluationSettings evaluation) {
    }

    /**
     * Profile → config file → flags, for both kinds of settings. A config file may hold training
     * settings and evaluation settings side by side (keys as the flags).
     */
    static Resolved resolve(Options o, String command, String defaultProfile) throws IOException {
        Map<String, Object> config = o.has("config") ? TrainSettings.readConfig(o.path("config")) : Map.of();
        String profile = o.has("profile") ? o.string("profile")
                : config.get("profile") != null ? config.get("profile").toString() : defaultProfile;
        TrainSettings t;
        EvaluationSettings e;
        try {
            t = TrainSettings.forProfile(profile);
            e = EvaluationSettings.forProfile(profile);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(command + ": " + ex.getMessage());
        }
        Map<String, Object> trainPart = new LinkedHashMap<>();
        for (Map.Entry<String, Object> kv : config.entrySet()) {
            String k = kv.getKey();
            if (k.equals("profile")) {
                continue;
            }
            EvaluationSettings.Item item = EvaluationSettings.itemNamed(k);
            if (item != null) {
                try {
                    e.set(k, configText(kv.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw new UsageException(command + ": " + o.path("config") + ": " + ex.getMessage());
                }
            } else if (k.equals("defense")) {
                throw new UsageException(command + ": " + o.path("config") + ": use 'defenses' (a list) in an evaluation config, not 'defense'");
            } else {
                trainPart.put(k, kv.getValue());
            }
        }
        try {
            t.apply(trainPart, o.has("config") ? o.path("config").toString() : "config");
        } catch (IllegalArgumentException ex) {
            throw new UsageException(command + ": " + ex.getMessage());
        }
        for (Setting s : TrainSettings.SETTINGS) {
            if (o.has(s.name()) && !s.name().equals("profile") && !s.name().equals("defense")) {
                try {
                    t.set(s.name(), o.string(s.name()));
                } catch (IllegalArgumentException ex) {
                    throw new UsageException(command + ": --" + ex.getMessage());
                }
            }
        }
        for (EvaluationSettings.Item i : EvaluationSettings.ITEMS) {
            if (o.has(i.name())) {
                try {
                    e.set(i.name(), o.string(i.name()));
                } catch (IllegalArgumentException ex) {
                    String msg = ex.getMessage();
                    throw new UsageException(command + ": " + (msg.startsWith("--") ? msg : "--" + msg));
                }
            }
        }
        try {
            t.validate();
        } catch (IllegalArgumentException ex) {
            throw new UsageException(command + ": " + ex.getMessage());
        }
        return new Resolved(t, e);
    }

    /** A config value as the settings' text parsers take it (lists joined as the flags write them). */
    private static String configText(Object v) {
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(String.valueOf(x)));
            return String.join(l.stream().anyMatch(x -> String.valueOf(x).contains("=")) ? ";" : ",", parts);
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    /** Runs an evaluation with Ctrl-C handling, prints the summary; returns the exit status. */
    static int run(String command, Resolved r, Path out) throws Exception {
        Backend be = TrainCommand.backend(r.train());
        long start = System.nanoTime();
        System.out.println("siftfunnel " + command + ": profile " + r.train().profile + ", data " + r.train().data + ", "
                + be.description() + "; output " + out);
        DataSplits data = DataSources.load(r.train().data);
        Evaluation evaluation;
        try {
            evaluation = new Evaluation(r.train(), r.evaluation(), data, be, out, System.out);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            boolean saving = evaluation.isSavingOnStop();
            evaluation.requestStop();
            try {
                // A training run writes its checkpoint after its batch, an attack or MINE stage a
                // snapshot after its epoch or iteration; every other stage's state is written
                // atomically, so exiting mid-stage only loses that stage.
                finished.await(saving ? 120 : 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "siftfunnel-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> results;
        try {
            results = evaluation.run();
        } catch (Evaluation.Interrupted e) {
            System.out.println();
            System.out.println(command + " interrupted; every finished stage is in " + out.resolve("state")
                    + " and " + out.resolve("train") + "; run the same command again to resume");
            return 130;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting (Ctrl-C): the hook is running and now released.
            }
        }
        System.out.println();
        SummaryTable.print(results, System.out);
        Reports.WrittenReport report = Reports.write(out);
        System.out.println();
        System.out.println("The paper's claims on these numbers:");
        for (Claim c : report.claims()) {
            System.out.println("  " + c.verdict().label() + "  " + c.statement());
        }
        System.out.println(command + " done in " + ProgressBar.formatSeconds((System.nanoTime() - start) / 1e9) + "; results in "
                + out.resolve("results.json") + ", report in " + report.html() + " and " + report.markdown());
        return 0;
    }
}
