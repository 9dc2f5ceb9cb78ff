package org.siftfunnel.engine.estimate;

import java.util.List;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.optim.AdamW;
import org.siftfunnel.engine.optim.ReduceLROnPlateau;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** What both MINE estimators share: scoring a batch, the optimiser, the scheduler, clipping. */
final class CriticTraining {
    private CriticTraining() {
    }

    /** Scores of one batch: joint pairs and pairs with z shuffled within the batch. */
    record Scores(Tensor joint, Tensor marginal) {
    }

    /**
     * {@code T(x, z)} and {@code T(x, z[perm])} with {@code perm} drawn from {@code rng}: the
     * shuffled pairs are samples of the product of the marginals, as in the released code.
     */
    static Scores score(Critic critic, PairBatch batch, RandomSource rng) {
        return new Scores(jointScores(critic, batch), marginalScores(critic, batch, rng));
    }

    /** {@code T(x, z)}. */
    static Tensor jointScores(Critic critic, PairBatch batch) {
        return checked(critic.scores(batch.x(), batch.z()), batch.size());
    }

    /** {@code T(x, z[perm])} for one permutation drawn from {@code rng}. */
    static Tensor marginalScores(Critic critic, PairBatch batch, RandomSource rng) {
        return checked(critic.scores(batch.x(), Rows.shuffle(batch.z(), rng)), batch.size());
    }

    private static Tensor checked(Tensor scores, int b) {
        if (scores.numel() != b) {
            throw new IllegalArgumentException("MINE: the critic must return one score per sample ([" + b + "]), got "
                    + java.util.Arrays.toString(scores.shape()));
        }
        return scores;
    }

    static AdamW optimizer(Critic critic, MineSettings s) {
        List<Tensor> params = critic.parameters();
        return new AdamW(params, Adam.Settings.of(s.lr()).withBetas(s.beta1(), s.beta2()).withWeightDecay(s.weightDecay()));
    }

    /** A scheduler that lowers the lr when a minimised metric stalls, or null when off. */
    static ReduceLROnPlateau scheduler(AdamW optimizer, MineSettings s) {
        if (!s.plateau()) {
            return null;
        }
        return new ReduceLROnPlateau(optimizer, ReduceLROnPlateau.Settings.of(ReduceLROnPlateau.Mode.MIN)
                .withFactor(s.plateauFactor()).withPatience(s.plateauPatience()));
    }

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when their joint L2 norm
     * exceeds {@code maxNorm} (PyTorch's {@code clip_grad_norm_}); does nothing for maxNorm 0.
     */
    static void clipGradNorm(List<Tensor> params, double maxNorm) {
        if (maxNorm <= 0) {
            return;
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            double sq = 0;
            for (Tensor p : params) {
                if (p.grad() != null) {
                    sq += p.grad().square().sum().item();
                }
            }
            double norm = Math.sqrt(sq);
            if (norm > maxNorm) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (Tensor p : params) {
                    Tensor g = p.grad();
                    if (g != null) {
                        g.copyFrom(g.mul(scale));
                    }
                }
            }
        }
    }
}
