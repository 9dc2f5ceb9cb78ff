package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.StateDicts;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.optim.Optimizer;
import org.siftfunnel.engine.optim.SGD;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Optimisation in input space (rMLE): finds x̂ whose features match z by gradient descent on
 * {@link InversionObjective}. The forward function must not let gradients reach any
 * parameters (run it on a {@link FrozenModule}); the only variable is x̂'s parameterisation.
 */
public final class FeatureInversion {
    /** About this many points of the loss curve are kept per inversion. */
    static final int CURVE_POINTS = 50;

    private FeatureInversion() {
    }

    /**
     * The reconstruction and its loss curve.
     *
     * @param images x̂ clamped to [0, 1], detached
     * @param curve  (iteration, objective) pairs, the objective before that iteration's step;
     *               the last point is the objective at the final x̂ (before clamping)
     */
    public record Result(Tensor images, List<double[]> curve) {
        public double finalLoss() {
            return curve.get(curve.size() - 1)[1];
        }

        /** JSON-ready curve: a list of {iteration, loss}. */
        public List<Map<String, Object>> curveJson() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (double[] p : curve) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("iteration", (int) p[0]);
                m.put("loss", p[1]);
                out.add(m);
            }
            return out;
        }
    }

    /**
     * Inverts one batch.
     *
     * @param forward    maps raw images x̂ [N, C, H, W] to features (normalisation + frozen edge)
     * @param z          target features [N, ...]
     * @param imageShape per-sample [C, H, W]
     * @param s          settings (its {@code tvWeights} are ignored: {@code tvWeight} is used)
     * @param tvWeight   λ
     * @param rng        draws the Gaussian start
     * @param progress   reports iterations under {@code stage}
     */
    public static Result invert(UnaryOperator<Tensor> forward, Tensor z, int[] imageShape, InversionSettings s, float tvWeight,
            RandomSource rng, AttackProgress progress, String stage) {
        return invert(forward, z, imageShape, s, tvWeight, rng, progress, stage, Snapshots.NONE, "inversion");
    }

    /**
     * {@link #invert(UnaryOperator, Tensor, int[], InversionSettings, float, RandomSource, AttackProgress, String)}
     * saving a snapshot ({@code name}: x̂'s variable, the optimiser's state, the curve) after an
     * iteration whenever {@code snapshots} says one is due, and going on after the saved
     * iteration when it holds one, with the numbers of an inversion that never stopped.
     */
    public static Result invert(UnaryOperator<Tensor> forward, Tensor z, int[] imageShape, InversionSettings s, float tvWeight,
            RandomSource rng, AttackProgress progress, String stage, Snapshots snapshots, String name) {
        Backend backend = z.backend();
        int[] shape = {z.size(0), imageShape[0], imageShape[1], imageShape[2]};
        Tensor variable = start(backend, s, rng, shape).requiresGrad(true);
        Optimizer optimizer = switch (s.optimizer()) {
            case SGD -> new SGD(List.of(variable), SGD.Settings.of(s.lr()).withMomentum(s.momentum()));
            case ADAM -> new Adam(List.of(variable), Adam.Settings.of(s.lr()).withAmsgrad(s.amsgrad()).withEps(s.adamEps()));
        };
        Tensor target = z.detach();
        int every = Math.max(1, s.iterations() / CURVE_POINTS);
        List<double[]> curve = new ArrayList<>();
        int first = resume(snapshots.load(name), variable, optimizer, curve, s.iterations());
        try (GradMode.Scope g = GradMode.enableGrad()) {
            for (int it = first; it < s.iterations(); it++) {
                optimizer.zeroGrad();
                Tensor x = image(variable, s.parameterization());
                Tensor loss = InversionObjective.value(forward.apply(x), target, x, s.featureLoss(), s.tvForm(), tvWeight);
                if (it % every == 0) {
                    double v = Losses.checkFinite(stage + " objective", loss, it).item();
                    curve.add(new double[] {it, v});
                    progress.update(stage, it, s.iterations(), String.format(Locale.ROOT, "loss %.6g", v));
                }
                loss.backward();
                optimizer.step();
                if (it + 1 < s.iterations() && snapshots.due()) {
                    snapshots.save(name, snapshot(it + 1, s.iterations(), variable, optimizer, curve));
                }
            }
        }
        Tensor result;
        try (GradMode.Scope g = GradMode.noGrad()) {
            Tensor x = image(variable, s.parameterization());
            double last = InversionObjective.value(forward.apply(x), target, x, s.featureLoss(), s.tvForm(), tvWeight).item();
            curve.add(new double[] {s.iterations(), last});
            progress.update(stage, s.iterations(), s.iterations(), String.format(Locale.ROOT, "loss %.6g", last));
            result = x.clamp(0f, 1f).detach();
        }
        return new Result(result, List.copyOf(curve));
    }

    private static Snapshots.Snapshot snapshot(int done, int iterations, Tensor variable, Optimizer optimizer, List<double[]> curve) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("variable", variable.detach());
        optimizer.state().forEach((k, v) -> tensors.put("optimizer." + k, v));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("iteration", Integer.toString(done));
        values.put("resume_point", "iteration " + done + "/" + iterations);
        values.put("curve", encode(curve));
        return new Snapshots.Snapshot(tensors, values);
    }

    /** Puts a snapshot back; returns the iteration to go on from (0 without one). */
    private static int resume(Snapshots.Snapshot snap, Tensor variable, Optimizer optimizer, List<double[]> curve, int iterations) {
        if (snap == null) {
            return 0;
        }
        int done = Integer.parseInt(snap.value("iteration"));
        if (done < 1 || done >= iterations) {
            throw new IllegalStateException("inversion snapshot after iteration " + done + " does not fit " + iterations + " iterations");
        }
        try (GradMode.Scope g = GradMode.noGrad()) {
            variable.copyFrom(snap.tensor("variable"));
        }
        optimizer.loadState(StateDicts.select(snap.tensors(), "optimizer."));
        curve.addAll(decode(snap.value("curve")));
        return done;
    }

    /** (iteration, objective) points as text that reads back bit for bit. */
    static String encode(List<double[]> curve) {
        return Snapshots.encodeRows(curve);
    }

    static List<double[]> decode(String text) {
        return Snapshots.decodeRows(text, 2);
    }

    /** The optimised variable's initial value. */
    static Tensor start(Backend backend, InversionSettings s, RandomSource rng, int[] shape) {
        return switch (s.start()) {
            case GAUSSIAN -> Tensor.randn(backend, rng, 0f, 1f, shape);
            // sigmoid(0) = 0.5
            case MID_GREY -> Tensor.full(backend, s.parameterization() == InversionSettings.Parameterization.SIGMOID ? 0f : 0.5f, shape);
        };
    }

    /** x̂ from the variable. */
    static Tensor image(Tensor variable, InversionSettings.Parameterization p) {
        return p == InversionSettings.Parameterization.SIGMOID ? variable.sigmoid() : variable;
    }
}
