package org.siftfunnel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.model.data.DataSources;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.train.Setting;
import org.siftfunnel.model.train.TrainSettings;
import org.siftfunnel.model.train.Trainer;

/** {@code ./siftfunnel train}: trains an undefended or SiftFunnel split model into a run folder. */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a split model (undefended or SiftFunnel) and write checkpoints and metrics";
    }

    @Override
    public String description() {
        return "Trains --arch with --defense on --data, writing RUN/config.json (resolved settings),\n"
                + "RUN/run.json (environment, data hashes), RUN/metrics.jsonl (one line per epoch) and\n"
                + "RUN/checkpoints/{last,best}.safetensors (+ .json metadata). Settings come from --profile,\n"
                + "then --config FILE (JSON with the same names), then flags. Ctrl-C stops after the current\n"
                + "batch and writes RUN/checkpoints/interrupted.safetensors; --resume continues from 'last'.";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        TrainSettings defaults = TrainSettings.forProfile("default");
        for (Setting s : TrainSettings.SETTINGS) {
            Object v = s.getter().apply(defaults);
            specs.add(OptionSpec.value(s.name(), s.valueName(), v == null || v.toString().isEmpty() ? null : v.toString(),
                    s.help() + (s.name().equals("profile") ? "" : " [profile default shown]")));
        }
        specs.add(OptionSpec.value("config", "FILE", null, "JSON file of settings (keys as the flags above)"));
        specs.add(OptionSpec.value("out", "DIR", null, "run folder (default runs/ARCH-DEFENSE-PROFILE-seedN)"));
        specs.add(OptionSpec.flag("resume", "continue from RUN/checkpoints/last"));
        specs.add(OpTimingsOption.SPEC);
        return specs;
    }

    /** Profile → config file → flags. */
    static TrainSettings resolve(Options o, String command) throws java.io.IOException {
        String profile = o.has("profile") ? o.string("profile") : "default";
        TrainSettings s;
        try {
            s = TrainSettings.forProfile(profile);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
        if (o.has("config")) {
            Path cfg = o.path("config");
            java.util.Map<String, Object> json = TrainSettings.readConfig(cfg);
            Object p = json.get("profile");
            if (p != null && !o.has("profile")) {
                s = TrainSettings.forProfile(p.toString());
            }
            try {
                s.apply(json, cfg.toString());
            } catch (IllegalArgumentException e) {
                throw new UsageException(command + ": " + e.getMessage());
            }
        }
        for (Setting setting : TrainSettings.SETTINGS) {
            if (o.has(setting.name()) && !setting.name().equals("profile")) {
                try {
                    s.set(setting.name(), o.string(setting.name()));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(command + ": --" + e.getMessage());
                }
            }
        }
        try {
            s.validate();
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
        return s;
    }

    static Backend backend(TrainSettings s) {
        if (s.threads > 0) {
            System.setProperty("siftfunnel.threads", Integer.toString(s.threads));
        }
        Backend be = s.device == null || s.device.isBlank() ? Backends.getDefault() : Backends.get(s.device);
        Backends.setDefault(be);
        return be;
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        TrainSettings s = resolve(o, name());
        Path out = o.has("out") ? o.path("out")
                : Path.of("runs", String.format(Locale.ROOT, "%s-%s-%s-seed%d", s.arch, s.defense, s.profile, s.seed));
        Backend be = backend(s);
        OpTimingsOption opTimings = OpTimingsOption.start(o, be, System.err);
        DataSplits data = DataSources.load(s.data);
        Trainer trainer = new Trainer(s, data, be, out, System.out);
        Trainer.Result r = runInterruptibly(trainer, o.flag("resume"));
        System.out.printf(Locale.ROOT, "%s: final test accuracy %.4f (%.4f without BN recalibration), best %.4f at epoch %d, %s; run folder %s%n",
                r.interrupted() ? "stopped" : "done", r.finalAccuracy(), r.finalAccuracyNoRecalibration(), r.bestAccuracy(),
                r.bestEpoch(), org.siftfunnel.model.console.ProgressBar.formatSeconds(r.seconds()), r.runDir());
        opTimings.print(System.out);
        return r.interrupted() ? 130 : 0;
    }

    /**
     * Runs the trainer with a shutdown hook: on Ctrl-C the hook asks the loop to stop and waits
     * (up to two minutes) for it to write its checkpoint before the JVM exits.
     */
    static Trainer.Result runInterruptibly(Trainer trainer, boolean resume) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "siftfunnel-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return trainer.run(resume);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting (Ctrl-C): the hook is running and now released.
            }
        }
    }
}
