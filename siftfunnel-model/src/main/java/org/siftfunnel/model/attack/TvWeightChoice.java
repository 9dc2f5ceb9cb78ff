package org.siftfunnel.model.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchStream;

/**
 * The attacker's own rule for the TV weight: it cannot see the victim's images, so it runs the
 * inversion with every candidate weight on a few auxiliary images whose ground truth it has,
 * and keeps the weight with the lowest reconstruction MSE there (ties: the earlier candidate).
 * The auxiliary features are observed the way the victim's are (through the defense's
 * perturbation), so the choice accounts for the defense.
 */
public final class TvWeightChoice {
    private static final long SAMPLE_SALT = 0x7476737765L;
    private static final long INIT_SALT = 0x7476696E6974L;

    private TvWeightChoice() {
    }

    /**
     * The chosen weight and the sweep behind it.
     *
     * @param weight the chosen λ
     * @param sweep  per candidate: weight, auxiliary MSE, final objective
     * @param images how many auxiliary images the sweep used
     */
    public record Choice(float weight, List<Map<String, Object>> sweep, int images) {
    }

    /**
     * Runs the sweep. The caller keeps the differentiated module frozen.
     *
     * @param forward  raw x̂ → features (what the inversion differentiates)
     * @param observe  normalised auxiliary images → their features as the attacker would receive them
     */
    public static Choice choose(AttackContext ctx, UnaryOperator<Tensor> forward, UnaryOperator<Tensor> observe, InversionSettings s,
            String label) {
        int n = Math.min(s.sweepImages(), ctx.auxiliary().size());
        Batch b;
        try (BatchStream batches = ctx.loader(ctx.auxiliary(), n, true, SAMPLE_SALT).epoch(0)) {
            b = batches.next();
        }
        Tensor z = observe.apply(b.images()).detach();
        List<Map<String, Object>> sweep = new ArrayList<>();
        float best = Float.NaN;
        double bestMse = Double.POSITIVE_INFINITY;
        for (int i = 0; i < s.tvWeights().size(); i++) {
            float w = s.tvWeights().get(i);
            String stage = String.format(Locale.ROOT, "%s: TV weight %g on %d auxiliary images", label, w, n);
            String name = "tv-sweep-" + (i + 1);
            // A candidate a stopped attempt finished comes back as its two numbers; one it was
            // inverting goes on after its last saved iteration.
            Snapshots.Snapshot done = ctx.snapshots().load(name + "-done");
            double mse;
            double objective;
            if (done != null) {
                mse = Double.parseDouble(done.value("aux_mse"));
                objective = Double.parseDouble(done.value("final_objective"));
            } else {
                FeatureInversion.Result r = FeatureInversion.invert(forward, z, ctx.imageShape(), s, w,
                        new RandomSource(ctx.derivedSeed(INIT_SALT)), ctx.progress(), stage, ctx.snapshots(), name);
                mse = r.images().sub(b.raw()).square().mean().item();
                objective = r.finalLoss();
                ctx.snapshots().save(name + "-done", new Snapshots.Snapshot(Map.of(), Map.of("resume_point",
                        "the finished TV weight " + w, "aux_mse", Double.toString(mse), "final_objective", Double.toString(objective))));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tv_weight", (double) w);
            row.put("aux_mse", mse);
            row.put("final_objective", objective);
            sweep.add(row);
            if (mse < bestMse) {
                bestMse = mse;
                best = w;
            }
        }
        if (Float.isNaN(best)) {
            throw new ArithmeticException(label + ": every TV weight gave a non-finite auxiliary MSE: " + sweep);
        }
        return new Choice(best, List.copyOf(sweep), n);
    }
}
