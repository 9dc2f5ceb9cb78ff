package org.siftfunnel.engine.estimate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.StateDicts;
import org.siftfunnel.engine.optim.AdamW;
import org.siftfunnel.engine.optim.ReduceLROnPlateau;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * What a MINE estimator needs to go on after an epoch exactly as if it had not stopped: the
 * critic's state (a module's whole state dict, else its parameters by index), the optimiser's
 * and the scheduler's state, the position of the training shuffles, the history, and the
 * estimator's own values (the best epoch so far, the moving average). Evaluation shuffles are a
 * function of the epoch; streams drawn outside the estimator (a defense's noise on z) are the
 * store's to put back.
 */
final class MineSnapshot {
    private static final String CRITIC = "critic.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String SCHEDULER = "scheduler.";

    private MineSnapshot() {
    }

    /** Saves the state after {@code epoch} of {@code epochs} under {@code name}, with the estimator's {@code extra} values. */
    static void save(Snapshots store, String name, int epoch, int epochs, Critic critic, AdamW optimizer,
                     ReduceLROnPlateau scheduler, RandomSource shuffles, List<EpochValues> history, Map<String, String> extra) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        criticState(critic).forEach((k, v) -> tensors.put(CRITIC + k, v));
        optimizer.state().forEach((k, v) -> tensors.put(OPTIMIZER + k, v));
        Map<String, String> values = new LinkedHashMap<>(extra);
        values.put("epoch", Integer.toString(epoch));
        values.put("resume_point", "epoch " + epoch + "/" + epochs);
        values.put("shuffles", Long.toString(shuffles.position()));
        if (scheduler != null) {
            scheduler.state().forEach((k, v) -> values.put(SCHEDULER + k, Double.toString(v)));
        }
        values.put("history", MineResult.encodeHistory(history));
        store.save(name, new Snapshots.Snapshot(tensors, values));
    }

    /**
     * Puts a snapshot's state back and returns the last epoch it completed (0 when there is no
     * snapshot); {@code history} receives its epochs.
     */
    static int restore(Snapshots.Snapshot snap, int epochs, Critic critic, AdamW optimizer, ReduceLROnPlateau scheduler,
                       RandomSource shuffles, List<EpochValues> history) {
        if (snap == null) {
            return 0;
        }
        int epoch = Integer.parseInt(snap.value("epoch"));
        if (epoch < 1 || epoch >= epochs) {
            throw new IllegalStateException("MINE snapshot after epoch " + epoch + " does not fit a run of " + epochs + " epochs");
        }
        restoreCritic(critic, StateDicts.select(snap.tensors(), CRITIC));
        optimizer.loadState(StateDicts.select(snap.tensors(), OPTIMIZER));
        shuffles.seek(Long.parseLong(snap.value("shuffles")));
        if (scheduler != null) {
            scheduler.loadState(snap.doubles(SCHEDULER));
        }
        history.addAll(MineResult.decodeHistory(snap.value("history")));
        if (history.size() != epoch) {
            throw new IllegalStateException("MINE snapshot after epoch " + epoch + " holds " + history.size() + " epochs of history");
        }
        return epoch;
    }

    private static Map<String, Tensor> criticState(Critic critic) {
        if (critic instanceof Module m) {
            return m.stateDict();
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Tensor> params = critic.parameters();
        for (int i = 0; i < params.size(); i++) {
            out.put(Integer.toString(i), params.get(i));
        }
        return out;
    }

    private static void restoreCritic(Critic critic, Map<String, Tensor> state) {
        if (critic instanceof Module m) {
            m.loadStateDict(state, true);
            return;
        }
        List<Tensor> params = critic.parameters();
        if (state.size() != params.size()) {
            throw new IllegalStateException("MINE snapshot holds " + state.size() + " critic tensors for " + params.size() + " parameters");
        }
        try (GradMode.Scope g = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor saved = state.get(Integer.toString(i));
                if (saved == null) {
                    throw new IllegalStateException("MINE snapshot lacks critic parameter " + i);
                }
                params.get(i).copyFrom(saved);
            }
        }
    }
}
