package org.siftfunnel.engine.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.optim.AdamW;
import org.siftfunnel.engine.optim.ReduceLROnPlateau;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * MINE with the moving-average bias-corrected gradient of Belghazi et al. (2018), reported
 * on held-out data ("corrected"). Use it with an unbounded critic (no sigmoid).
 *
 * <p><b>Why.</b> The gradient of the DV bound on a batch,
 * {@code ∇Î = mean ∇T(x,z) − mean(e^{T_m} ∇T_m) / mean e^{T_m}} (T_m = T(x, z_shuffled)),
 * is biased because the denominator is estimated from the same small batch. MINE replaces
 * that denominator by an exponential moving average over batches.
 *
 * <p><b>What is computed</b>, per training batch t with marginal scores {@code T_m}:
 * <pre>
 *   b_t = mean_B exp(T_m)                        (detached)
 *   m_t = b_1                                    for t = 1
 *   m_t = (1 − α)·m_{t−1} + α·b_t                for t > 1, α = emaRate (0.01)
 *   surrogate loss L_t = −( mean_B T(x, z) − mean_B exp(T_m) / m_t ),   m_t detached
 * </pre>
 * so {@code ∇L_t = −( mean ∇T_joint − mean(e^{T_m} ∇T_m) / m_t )}, the corrected gradient.
 * m is updated with the current batch <i>before</i> the loss is formed, as in the MINE
 * authors' reference code (which starts the average at 1; starting at the first batch's mean
 * removes that start-up bias). m is kept as log m and updated by log-sum-exp, and
 * {@code exp(T_m)/m} is computed as {@code exp(T_m − log m)}, so large scores do not overflow.
 * The surrogate's value is not an estimate; the training value reported per epoch is the
 * plain DV estimate of the batches.
 *
 * <p><b>The reported value</b> is the plain DV estimate of the critic after the last epoch
 * on the held-out pairs, pooled over all of them ({@link PooledDv}: mean of every joint score
 * minus log of the mean of every exp(marginal score)). The marginal scores come from
 * {@link MineSettings#heldOutShuffles()} independent shuffles of z within each held-out batch:
 * the log-mean-exp term is dominated by rare large ratios, and more marginal pairs from the
 * same data lower its variance. No maximum over epochs is taken, so there is no selection
 * bias, and held-out data keeps the critic from scoring memorised training pairs. The
 * per-epoch evaluation values in the history and the progress callback are the same pooled
 * estimate with a single shuffle, a cheaper look for monitoring only. When enabled,
 * ReduceLROnPlateau is stepped with the training loss {@code −Î_train} so that the held-out
 * data never steers the training.
 */
public final class CorrectedMine {
    /** The name of the estimator's snapshot. */
    public static final String SNAPSHOT = "mine-corrected";
    private static final long REPORT_SALT = 0x7265706FL;

    private CorrectedMine() {
    }

    /**
     * Trains {@code critic} on {@code train} with the corrected gradient and reports the pooled
     * DV estimate on {@code heldOut} after the last epoch.
     *
     * @return label {@code "corrected"}, value = the held-out estimate after training
     */
    public static MineResult estimate(Critic critic, PairData train, PairData heldOut, MineSettings settings,
                                      MineProgress progress) {
        return estimate(critic, train, heldOut, settings, progress, Snapshots.NONE);
    }

    /**
     * {@link #estimate(Critic, PairData, PairData, MineSettings, MineProgress)}, saving a snapshot
     * ({@value #SNAPSHOT}) after an epoch whenever {@code snapshots} says one is due, and going
     * on after the last saved epoch when it holds one: the result is bit for bit that of a run
     * that never stopped.
     */
    public static MineResult estimate(Critic critic, PairData train, PairData heldOut, MineSettings settings,
                                      MineProgress progress, Snapshots snapshots) {
        AdamW optimizer = CriticTraining.optimizer(critic, settings);
        ReduceLROnPlateau scheduler = CriticTraining.scheduler(optimizer, settings);
        RandomSource shuffles = new RandomSource(settings.seed());
        MovingAverage average = new MovingAverage(settings.emaRate());
        List<EpochValues> history = new ArrayList<>();
        Snapshots.Snapshot snap = snapshots.load(SNAPSHOT);
        int first = 1 + MineSnapshot.restore(snap, settings.epochs(), critic, optimizer, scheduler, shuffles, history);
        if (snap != null) {
            average.logM = Double.parseDouble(snap.value("log_m"));
        }
        for (int epoch = first; epoch <= settings.epochs(); epoch++) {
            double lr = optimizer.lr();
            double trainValue = trainEpoch(critic, train, optimizer, shuffles, average, settings, epoch, progress);
            // A cheap look at the held-out data (one shuffle) for the progress display only.
            double monitor = pooledDv(critic, heldOut, epoch, 1, PaperMine.evalShuffles(settings.seed(), epoch));
            if (scheduler != null) {
                scheduler.step(-trainValue);
            }
            history.add(new EpochValues(epoch, trainValue, monitor, lr));
            progress.epochDone(epoch, settings.epochs(), trainValue, monitor);
            if (epoch < settings.epochs() && snapshots.due()) {
                MineSnapshot.save(snapshots, SNAPSHOT, epoch, settings.epochs(), critic, optimizer, scheduler, shuffles, history,
                        Map.of("log_m", Double.toString(average.logM)));
            }
        }
        double reported = pooledDv(critic, heldOut, settings.epochs() + 1, settings.heldOutShuffles(),
                new RandomSource(settings.seed() ^ REPORT_SALT));
        return new MineResult("corrected", reported,
                "Donsker–Varadhan estimate on the held-out data after the last epoch, pooled over all held-out pairs with "
                        + settings.heldOutShuffles() + " within-batch shuffles of z per batch for the marginal term;"
                        + " critic unbounded, trained with the moving-average bias-corrected gradient (rate "
                        + settings.emaRate() + ")",
                settings.epochs(), history, settings);
    }

    private static double trainEpoch(Critic critic, PairData train, AdamW optimizer, RandomSource shuffles,
                                     MovingAverage average, MineSettings settings, int epoch, MineProgress progress) {
        double[] sum = {0};
        int[] count = {0};
        int batches = train.batchesPerEpoch();
        train.forEachBatch(epoch, batch -> {
            CriticTraining.Scores s = CriticTraining.score(critic, batch, shuffles);
            float[] marginal = s.marginal().detach().toArray();
            double logM = average.update(PooledDv.logSumExp(marginal) - Math.log(marginal.length));
            Tensor surrogate = surrogateLoss(s.joint(), s.marginal(), logM);
            Losses.checkFinite("corrected MINE surrogate", surrogate, optimizer.stepCount());
            optimizer.zeroGrad();
            surrogate.backward();
            CriticTraining.clipGradNorm(optimizer.params(), settings.gradClipNorm());
            optimizer.step();
            PooledDv dv = new PooledDv();
            dv.add(s.joint().detach().toArray(), marginal);
            sum[0] += dv.value();
            count[0]++;
            progress.batchDone(epoch, count[0], batches);
        });
        return sum[0] / Math.max(1, count[0]);
    }

    /**
     * The surrogate {@code −(mean T_joint − mean exp(T_marg − log m))} with m a constant: its
     * gradient is {@code −(mean ∇T_joint − mean(e^{T_marg} ∇T_marg) / m)}.
     */
    static Tensor surrogateLoss(Tensor joint, Tensor marginal, double logM) {
        return joint.mean().sub(marginal.sub((float) logM).exp().mean()).neg();
    }

    /**
     * The DV estimate pooled over all of {@code data}'s pairs (epoch {@code epoch}'s batches),
     * without gradients; each batch's z is shuffled {@code shuffleCount} times, and all those
     * marginal scores enter the log-mean-exp term.
     */
    static double pooledDv(Critic critic, PairData data, int epoch, int shuffleCount, RandomSource shuffles) {
        PooledDv dv = new PooledDv();
        try (GradMode.Scope g = GradMode.noGrad()) {
            data.forEachBatch(epoch, batch -> {
                dv.addJoint(CriticTraining.jointScores(critic, batch).toArray());
                for (int k = 0; k < shuffleCount; k++) {
                    dv.addMarginal(CriticTraining.marginalScores(critic, batch, shuffles).toArray());
                }
            });
        }
        if (dv.count() == 0) {
            throw new IllegalArgumentException("MINE: the held-out data gave no batch");
        }
        return dv.value();
    }

    /** The moving average m of mean exp(T_marg), kept as log m. */
    static final class MovingAverage {
        private final double rate;
        /** The running log m (NaN before the first batch); a snapshot saves and restores it. */
        double logM = Double.NaN;

        MovingAverage(double rate) {
            this.rate = rate;
        }

        /** Folds in one batch's {@code log mean exp(T_marg)} and returns the new log m. */
        double update(double logBatchMean) {
            if (Double.isNaN(logM)) {
                logM = logBatchMean;
            } else {
                logM = PooledDv.logAddExp(Math.log1p(-rate) + logM, Math.log(rate) + logBatchMean);
            }
            return logM;
        }
    }
}
