package org.siftfunnel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ./siftfunnel evaluate}: the defenses × attacks × metrics matrix into results.json. */
final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "train what is missing, attack every defense, measure, and write results.json";
    }

    @Override
    public String description() {
        return "Trains every model the --defenses need (reusing finished run folders under OUT/train, resuming\n"
                + "partial ones), applies inference-time defenses (noise, dropout) to the undefended model, runs\n"
                + "every --attacks attack on every defense, and measures accuracy, ΔZ, dCor(x, z), the covariance\n"
                + "spectrum's effective rank, MINE (paper and corrected), attack metrics (MSE, PSNR, SSIM, cosine,\n"
                + "attack accuracy, dCor(x, x̂)) and edge cost. Writes OUT/results.json (docs/results-format.md),\n"
                + "OUT/recon/DEFENSE/ATTACK.safetensors and OUT/state/ (one JSON per finished stage: an interrupted\n"
                + "evaluation resumes where it stopped). --seeds N averages N seeds (each number gets a _std);\n"
                + "--sweep 'noise.sigma=0.2,0.5;nopeek.lambda=0.5,2' sweeps strengths, and each swept defense is\n"
                + "represented by its strongest setting within --comparable-within of the reference defense.\n"
                + "Settings: --profile (demo, default, paper), then --config FILE (JSON; training and evaluation\n"
                + "keys side by side), then flags. See docs/evaluation.md.";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        specs.add(OptionSpec.value("profile", "NAME", "default", "settings profile: demo, default or paper"));
        specs.addAll(EvaluationRun.evaluationOptions(null));
        specs.addAll(EvaluationRun.trainOptions(null));
        specs.add(OptionSpec.value("config", "FILE", null, "JSON file of settings (keys as the flags above)"));
        specs.add(OptionSpec.value("out", "DIR", "runs/evaluate", "evaluation folder (results.json, recon/, state/, train/)"));
        return specs;
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        EvaluationRun.Resolved r = EvaluationRun.resolve(o, name(), "default");
        return EvaluationRun.run(name(), r, Path.of(o.string("out")));
    }
}
