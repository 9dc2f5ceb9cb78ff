package org.siftfunnel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ./siftfunnel demo}: the main job. An {@link EvaluateCommand evaluation} with the
 * {@code demo} profile on the bundled Fashion-MNIST subset and a fixed matrix: the undefended
 * CNN, SiftFunnel and NoPeek trained, noise and dropout applied to the undefended model, the
 * black-box and (tuned) white-box attacks and the scale-aware adaptive black-box attack (the one
 * SiftFunnel's small features do not fool), MINE with fewer epochs than the paper, and edge cost.
 */
final class DemoCommand implements Command {
    /** The demo's matrix. */
    static final String DEFENSES = "none,noise,dropout,nopeek,siftfunnel";
    static final String ATTACKS = "blackbox,whitebox,adaptive-blackbox";

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the whole job in minutes: train, defend, attack, estimate MI, measure edge cost, summarise";
    }

    @Override
    public String description() {
        return "On the bundled Fashion-MNIST subset with the 'demo' profile: trains the undefended 4-block CNN,\n"
                + "SiftFunnel and NoPeek; applies noise and dropout to the undefended model; runs the black-box\n"
                + "decoder attack, the tuned white-box attack and the adaptive (scale-aware) black-box attack on\n"
                + "each; estimates I(X;Z) with MINE (paper and corrected, far fewer epochs than the paper's 100:\n"
                + "the number is printed and recorded); measures edge cost; prints a summary table. Everything\n"
                + "goes to --out (results.json, recon/, state/, train/), and a rerun resumes or reuses what is\n"
                + "there. This is './siftfunnel evaluate --defenses "
                + DEFENSES + "\n--attacks " + ATTACKS + " --profile demo'; --profile default|paper runs the same matrix with larger budgets.";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        specs.add(OptionSpec.value("profile", "NAME", "demo", "settings profile: demo, default or paper"));
        specs.addAll(EvaluationRun.trainOptions(Set.of("data", "device", "epochs", "train-limit", "test-limit", "seed", "threads",
                "image-size")));
        specs.addAll(EvaluationRun.evaluationOptions(Set.of("seeds", "mine", "mine-epochs", "decoder-epochs", "inversion-iterations")));
        specs.add(OptionSpec.value("out", "DIR", "runs/demo", "evaluation folder (results.json, recon/, state/, train/)"));
        return specs;
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        EvaluationRun.Resolved r = EvaluationRun.resolve(o, name(), "demo");
        r.evaluation().set("defenses", DEFENSES);
        r.evaluation().set("attacks", ATTACKS);
        return EvaluationRun.run(name(), r, Path.of(o.string("out")));
    }
}
