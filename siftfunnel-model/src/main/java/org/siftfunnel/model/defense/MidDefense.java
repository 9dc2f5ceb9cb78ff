package org.siftfunnel.model.defense;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.MidArchitectures;
import org.siftfunnel.model.arch.MidArchitectures.Placement;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.arch.VariationalBottleneck;
import org.siftfunnel.model.objective.LossTerms;

/**
 * MID (mutual-information regularisation by a variational information bottleneck, Wang et al.,
 * AAAI'21): the undefended backbone with a {@link VariationalBottleneck} and the loss
 *
 * <pre>
 *   L = CE + β·KL(N(μ, σ²) ‖ N(0, I))      (KL summed over the latent values, averaged over the batch)
 * </pre>
 *
 * Two placements ({@link MidArchitectures}): {@code mid-head} before the classifier head, as the
 * released code, and {@code mid} at the split, where the transmitted Z is the bottleneck's
 * sample (its mean μ at evaluation). Terms: {@code task} (NLL) and {@code kl}.
 */
public final class MidDefense implements Defense {
    public static final String TASK = "task";
    public static final String KL = "kl";

    private final Placement placement;
    private final float beta;
    /** β as given, for {@link #parameters()} (the float would print as 0.0010000000474974513). */
    private final double betaSetting;
    private final int latent;

    /**
     * @param placement where the bottleneck goes
     * @param beta      weight of the KL term (≥ 0)
     * @param latent    k for the head placement (0: half the head's input size); must be 0 at the split
     */
    public MidDefense(Placement placement, double beta, int latent) {
        this.placement = Objects.requireNonNull(placement, "MidDefense: placement");
        Weights.check("MidDefense", "beta", (float) beta);
        if (latent < 0) {
            throw new IllegalArgumentException("MidDefense: k must be ≥ 0 (0: automatic), got " + latent);
        }
        if (placement == Placement.SPLIT && latent != 0) {
            throw new IllegalArgumentException("MidDefense: at the split the bottleneck keeps Z's shape, so k cannot be set (got "
                    + latent + "); use mid-head to choose k");
        }
        this.beta = (float) beta;
        this.betaSetting = beta;
        this.latent = latent;
    }

    @Override
    public String name() {
        return placement == Placement.HEAD ? "mid-head" : "mid";
    }

    public float beta() {
        return beta;
    }

    @Override
    public Map<String, Double> parameters() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("beta", betaSetting);
        if (placement == Placement.HEAD) {
            p.put("k", (double) latent);
        }
        return Collections.unmodifiableMap(p);
    }

    @Override
    public SplitModel build(String backbone, ArchConfig config, RandomSource rng) {
        return MidArchitectures.create(backbone, placement, latent, config, rng);
    }

    @Override
    public StepResult trainingLoss(SplitModel model, Tensor images, Tensor labels) {
        VariationalBottleneck bottleneck = bottleneck(model);
        Tensor z = model.edge().forward(images);
        Tensor logProbs = model.cloud().forward(z);
        Tensor task = Losses.nll(logProbs, labels);
        Tensor kl = bottleneck.klDivergence();
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put(TASK, task);
        terms.put(KL, kl);
        return new StepResult(new LossTerms(task.add(kl.mul(beta)), terms), logProbs, z);
    }

    /** The model's bottleneck, registered as {@value MidArchitectures#BOTTLENECK}. */
    static VariationalBottleneck bottleneck(SplitModel model) {
        Module m = model.namedChildren().get(MidArchitectures.BOTTLENECK);
        if (m instanceof VariationalBottleneck b) {
            return b;
        }
        throw new IllegalArgumentException("MidDefense: model " + model.name() + " has no variational bottleneck '"
                + MidArchitectures.BOTTLENECK + "'; build it with this defense's build()");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s%s (variational bottleneck %s, CE + %s·KL)", name(), parameters(),
                placement == Placement.HEAD ? "before the head" : "at the split", beta);
    }
}
