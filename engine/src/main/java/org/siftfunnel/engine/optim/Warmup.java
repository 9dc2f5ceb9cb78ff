package org.siftfunnel.engine.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear learning-rate warm-up (PyTorch's {@code LinearLR} to a factor of 1): the rate starts
 * at {@code startFactor·base} when the warm-up is created and reaches {@code base} after
 * {@code warmupSteps} calls of {@link #step()}, rising linearly. Once warm, further calls are
 * passed to the optional {@code after} schedule, which then counts its units from the end of
 * the warm-up; without one the rate is left alone (so a {@link ReduceLROnPlateau} may own it).
 */
public final class Warmup implements LrScheduler {
    private final Optimizer optimizer;
    private final float startFactor;
    private final int warmupSteps;
    private final LrScheduler after;
    private float baseLr;
    private long stepsTaken;

    public Warmup(Optimizer optimizer, float startFactor, int warmupSteps) {
        this(optimizer, startFactor, warmupSteps, null);
    }

    /**
     * @param startFactor fraction of the base rate to start from, in (0, 1]
     * @param after       schedule to drive once the warm-up is over, or null
     */
    public Warmup(Optimizer optimizer, float startFactor, int warmupSteps, LrScheduler after) {
        if (optimizer == null) {
            throw new IllegalArgumentException("Warmup: optimizer is null");
        }
        if (!(startFactor > 0f && startFactor <= 1f)) {
            throw new IllegalArgumentException("Warmup: startFactor must be in (0, 1], got " + startFactor);
        }
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("Warmup: warmupSteps must be ≥ 1, got " + warmupSteps);
        }
        this.optimizer = optimizer;
        this.startFactor = startFactor;
        this.warmupSteps = warmupSteps;
        this.after = after;
        this.baseLr = optimizer.lr();
        optimizer.setLr(rateAt(0));
    }

    private float rateAt(long step) {
        double progress = Math.min(step, warmupSteps) / (double) warmupSteps;
        return (float) (baseLr * (startFactor + (1.0 - startFactor) * progress));
    }

    @Override
    public void step() {
        if (isDone()) {
            if (after != null) {
                after.step();
            }
            return;
        }
        stepsTaken++;
        optimizer.setLr(rateAt(stepsTaken));
    }

    /** True once the rate has reached the base rate. */
    public boolean isDone() {
        return stepsTaken >= warmupSteps;
    }

    /** The rate the warm-up climbs to. */
    public float baseLr() {
        return baseLr;
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) stepsTaken);
        s.put("base_lr", (double) baseLr);
        if (after != null) {
            for (Map.Entry<String, Double> e : after.state().entrySet()) {
                s.put("after." + e.getKey(), e.getValue());
            }
        }
        return s;
    }

    /**
     * Restores the counters. While still warming up it also sets the optimiser's rate for the
     * restored step; once warm the rate belongs to the optimiser's own state, so when resuming
     * create the schedulers first and load the optimiser's state afterwards.
     */
    @Override
    public void loadState(Map<String, Double> state) {
        long steps = SchedulerState.count("Warmup", state, "step");
        double base = SchedulerState.value("Warmup", state, "base_lr");
        if (!(base >= 0) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("Warmup: state 'base_lr' must be finite and ≥ 0, got " + base);
        }
        if (after != null) {
            Map<String, Double> inner = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : state.entrySet()) {
                if (e.getKey().startsWith("after.")) {
                    inner.put(e.getKey().substring("after.".length()), e.getValue());
                }
            }
            after.loadState(inner);
        }
        stepsTaken = steps;
        baseLr = (float) base;
        if (!isDone()) {
            optimizer.setLr(rateAt(stepsTaken));
        }
    }
}
