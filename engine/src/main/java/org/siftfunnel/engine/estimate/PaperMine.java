package org.siftfunnel.engine.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.optim.AdamW;
import org.siftfunnel.engine.optim.ReduceLROnPlateau;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * MINE as the released SiftFunnel code runs it ("paper"): the plain Donsker–Varadhan bound
 * <pre>
 *   Î = mean_B T(x, z) − log mean_B exp T(x, z_shuffled),    loss = −Î
 * </pre>
 * on each training batch, with no moving-average bias correction; after every epoch the
 * critic is evaluated on a second set as the mean of the per-batch Î over its batches, and the
 * reported value is the <b>maximum</b> of that evaluation value over epochs (the code's
 * {@code best_mine_loss}). Taking a maximum of noisy estimates biases it upwards; with a
 * sigmoid-bounded critic (T ∈ (0, 1)) the value can never exceed 1 nat.
 *
 * <p>AdamW with the configured lr, betas and weight decay; when enabled, ReduceLROnPlateau is
 * stepped once per epoch with the evaluation loss {@code −Î_eval} (the code passes a loss to
 * the scheduler; which one is our reading). Gradient clipping, off by default, matches the
 * code's commented-out {@code clip_grad_norm}.
 */
public final class PaperMine {
    private static final long EVAL_SALT = 0x6576616CL;
    /** The name of the estimator's snapshot. */
    public static final String SNAPSHOT = "mine-paper";

    private PaperMine() {
    }

    /**
     * Trains {@code critic} on {@code train} and evaluates it on {@code eval} every epoch.
     *
     * @return label {@code "paper"}, value = the maximum evaluation value over epochs
     */
    public static MineResult estimate(Critic critic, PairData train, PairData eval, MineSettings settings,
                                      MineProgress progress) {
        return estimate(critic, train, eval, settings, progress, Snapshots.NONE);
    }

    /**
     * {@link #estimate(Critic, PairData, PairData, MineSettings, MineProgress)}, saving a snapshot
     * ({@value #SNAPSHOT}) after an epoch whenever {@code snapshots} says one is due, and going
     * on after the last saved epoch when it holds one: the result is bit for bit that of a run
     * that never stopped.
     */
    public static MineResult estimate(Critic critic, PairData train, PairData eval, MineSettings settings,
                                      MineProgress progress, Snapshots snapshots) {
        AdamW optimizer = CriticTraining.optimizer(critic, settings);
        ReduceLROnPlateau scheduler = CriticTraining.scheduler(optimizer, settings);
        RandomSource shuffles = new RandomSource(settings.seed());
        List<EpochValues> history = new ArrayList<>();
        Snapshots.Snapshot snap = snapshots.load(SNAPSHOT);
        int first = 1 + MineSnapshot.restore(snap, settings.epochs(), critic, optimizer, scheduler, shuffles, history);
        double best = snap == null ? Double.NEGATIVE_INFINITY : Double.parseDouble(snap.value("best"));
        int bestEpoch = snap == null ? 0 : Integer.parseInt(snap.value("best_epoch"));
        for (int epoch = first; epoch <= settings.epochs(); epoch++) {
            double lr = optimizer.lr();
            double trainValue = trainEpoch(critic, train, optimizer, shuffles, settings, epoch, progress);
            double evalValue = meanBatchDv(critic, eval, epoch, evalShuffles(settings.seed(), epoch));
            if (scheduler != null) {
                scheduler.step(-evalValue);
            }
            history.add(new EpochValues(epoch, trainValue, evalValue, lr));
            if (evalValue > best) {
                best = evalValue;
                bestEpoch = epoch;
            }
            progress.epochDone(epoch, settings.epochs(), trainValue, evalValue);
            if (epoch < settings.epochs() && snapshots.due()) {
                MineSnapshot.save(snapshots, SNAPSHOT, epoch, settings.epochs(), critic, optimizer, scheduler, shuffles, history,
                        Map.of("best", Double.toString(best), "best_epoch", Integer.toString(bestEpoch)));
            }
        }
        if (bestEpoch == 0) {
            throw new ArithmeticException("paper MINE: no epoch gave a finite evaluation value (history " + history + ")");
        }
        return new MineResult("paper", best,
                "maximum over epochs of the mean per-batch Donsker–Varadhan estimate on the evaluation data"
                        + " (released code's best_mine_loss; plain DV, no bias correction)",
                bestEpoch, history, settings);
    }

    /** One pass of −Î steps; returns the mean training Î. */
    private static double trainEpoch(Critic critic, PairData train, AdamW optimizer, RandomSource shuffles,
                                     MineSettings settings, int epoch, MineProgress progress) {
        double[] sum = {0};
        int[] count = {0};
        int batches = train.batchesPerEpoch();
        train.forEachBatch(epoch, batch -> {
            CriticTraining.Scores s = CriticTraining.score(critic, batch, shuffles);
            Tensor dv = Losses.donskerVaradhan(s.joint(), s.marginal());
            Tensor loss = Losses.checkFinite("paper MINE (−DV)", dv.neg(), optimizer.stepCount());
            optimizer.zeroGrad();
            loss.backward();
            CriticTraining.clipGradNorm(optimizer.params(), settings.gradClipNorm());
            optimizer.step();
            sum[0] += dv.item();
            count[0]++;
            progress.batchDone(epoch, count[0], batches);
        });
        return sum[0] / Math.max(1, count[0]);
    }

    /** The shuffles of epoch {@code epoch}'s evaluation, independent of the training stream. */
    static RandomSource evalShuffles(long seed, int epoch) {
        return new RandomSource(Philox.draw2(seed ^ EVAL_SALT, epoch));
    }

    /** The mean over {@code data}'s batches (of epoch {@code epoch}) of each batch's DV estimate, without gradients. */
    static double meanBatchDv(Critic critic, PairData data, int epoch, RandomSource shuffles) {
        double[] sum = {0};
        int[] count = {0};
        try (GradMode.Scope g = GradMode.noGrad()) {
            data.forEachBatch(epoch, batch -> {
                CriticTraining.Scores s = CriticTraining.score(critic, batch, shuffles);
                sum[0] += Losses.donskerVaradhan(s.joint(), s.marginal()).item();
                count[0]++;
            });
        }
        if (count[0] == 0) {
            throw new IllegalArgumentException("MINE: the evaluation data gave no batch");
        }
        return sum[0] / count[0];
    }
}
