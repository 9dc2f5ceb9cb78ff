package org.siftfunnel.engine.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code StepLR}: every {@code stepSize} calls of {@link #step()} the learning rate
 * is multiplied by {@code gamma}, so after e epochs it is {@code lr₀·gamma^⌊e/stepSize⌋}
 * (multiplying the current rate, so it composes with other schedules).
 */
public final class StepLR implements LrScheduler {
    private final Optimizer optimizer;
    private final int stepSize;
    private final float gamma;
    private long lastEpoch;

    public StepLR(Optimizer optimizer, int stepSize, float gamma) {
        if (optimizer == null) {
            throw new IllegalArgumentException("StepLR: optimizer is null");
        }
        if (stepSize < 1) {
            throw new IllegalArgumentException("StepLR: stepSize must be ≥ 1, got " + stepSize);
        }
        if (!(gamma > 0f) || !Float.isFinite(gamma)) {
            throw new IllegalArgumentException("StepLR: gamma must be finite and > 0, got " + gamma);
        }
        this.optimizer = optimizer;
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override
    public void step() {
        lastEpoch++;
        if (lastEpoch % stepSize == 0) {
            optimizer.setLr((float) ((double) optimizer.lr() * gamma));
        }
    }

    /** How many times {@link #step()} ran. */
    public long lastEpoch() {
        return lastEpoch;
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("last_epoch", (double) lastEpoch);
        return s;
    }

    @Override
    public void loadState(Map<String, Double> state) {
        lastEpoch = SchedulerState.count("StepLR", state, "last_epoch");
    }
}
