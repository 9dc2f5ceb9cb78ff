package org.siftfunnel.model.attack;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Keeps a copy of a module's state from the epoch with the lowest selection score, and puts it
 * back at the end. Ties keep the earlier epoch; a NaN score never wins.
 */
public final class CheckpointSelector {
    private final Module module;
    private Map<String, Tensor> best;
    private double bestScore = Double.POSITIVE_INFINITY;
    private int bestEpoch;

    public CheckpointSelector(Module module) {
        this.module = module;
    }

    /**
     * Offers the module's current state, scored {@code score} (lower is better).
     *
     * @return whether it became the best so far (and was copied)
     */
    public boolean offer(int epoch, double score) {
        if (!(score < bestScore)) {
            return false;
        }
        bestScore = score;
        bestEpoch = epoch;
        Map<String, Tensor> copy = new LinkedHashMap<>();
        try (GradMode.Scope s = GradMode.noGrad()) {
            module.stateDict().forEach((name, t) -> copy.put(name, t.copy()));
        }
        best = copy;
        return true;
    }

    /** The epoch of the best state so far, 0 before any finite score. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double bestScore() {
        return bestScore;
    }

    /** The best state so far (the selector's own copy, not to be modified), or null before any finite score. */
    public Map<String, Tensor> bestState() {
        return best == null ? null : Collections.unmodifiableMap(best);
    }

    /**
     * Puts back what an earlier selector over the same module had chosen (a resumed training):
     * its best epoch, score and state (copied), as {@link #bestEpoch()}, {@link #bestScore()}
     * and {@link #bestState()} gave them; a null state means nothing was chosen yet.
     */
    public void resume(int epoch, double score, Map<String, Tensor> state) {
        if (state == null) {
            best = null;
            bestScore = Double.POSITIVE_INFINITY;
            bestEpoch = 0;
            return;
        }
        Map<String, Tensor> copy = new LinkedHashMap<>();
        try (GradMode.Scope s = GradMode.noGrad()) {
            module.stateDict().forEach((name, current) -> {
                Tensor saved = state.get(name);
                if (saved == null) {
                    throw new IllegalArgumentException("CheckpointSelector.resume: the saved best state lacks '" + name + "'");
                }
                copy.put(name, saved.copy());
            });
        }
        best = copy;
        bestScore = score;
        bestEpoch = epoch;
    }

    /**
     * Copies the best state back into the module.
     *
     * @throws IllegalStateException if no finite score was offered
     */
    public void restoreBest() {
        if (best == null) {
            throw new IllegalStateException("CheckpointSelector: no epoch had a finite selection score; nothing to restore");
        }
        module.loadStateDict(best, true);
    }
}
