package org.siftfunnel.engine.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code ReduceLROnPlateau}: after more than {@code patience} consecutive epochs
 * without improvement of the monitored metric the learning rate is multiplied by {@code factor}
 * (not below {@code minLr}; changes smaller than {@code eps} are skipped), then {@code cooldown}
 * epochs are ignored. An improvement must beat the best value by more than {@code threshold},
 * relative ({@code best·(1 ∓ threshold)}) or absolute ({@code best ∓ threshold}). A NaN metric
 * never improves.
 */
public final class ReduceLROnPlateau {
    /** Whether a lower (loss) or higher (accuracy) metric is better. */
    public enum Mode { MIN, MAX }

    /** How the improvement threshold is applied. */
    public enum ThresholdMode { REL, ABS }

    /** Hyper-parameters; {@link #of(Mode)} gives PyTorch's defaults, the {@code with…} methods change one field. */
    public record Settings(Mode mode, float factor, int patience, double threshold, ThresholdMode thresholdMode,
                           int cooldown, float minLr, double eps) {
        /** factor 0.1, patience 10, threshold 1e-4 relative, no cooldown, minLr 0, eps 1e-8. */
        public static Settings of(Mode mode) {
            return new Settings(mode, 0.1f, 10, 1e-4, ThresholdMode.REL, 0, 0f, 1e-8);
        }

        public Settings withFactor(float f) {
            return new Settings(mode, f, patience, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Settings withPatience(int p) {
            return new Settings(mode, factor, p, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Settings withThreshold(double t, ThresholdMode tm) {
            return new Settings(mode, factor, patience, t, tm, cooldown, minLr, eps);
        }

        public Settings withCooldown(int c) {
            return new Settings(mode, factor, patience, threshold, thresholdMode, c, minLr, eps);
        }

        public Settings withMinLr(float m) {
            return new Settings(mode, factor, patience, threshold, thresholdMode, cooldown, m, eps);
        }

        public Settings withEps(double e) {
            return new Settings(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, e);
        }
    }

    private final Optimizer optimizer;
    private final Settings settings;
    private double best;
    private long numBadEpochs;
    private long cooldownCounter;
    private long lastEpoch;

    public ReduceLROnPlateau(Optimizer optimizer, Settings settings) {
        if (optimizer == null || settings == null || settings.mode() == null || settings.thresholdMode() == null) {
            throw new IllegalArgumentException("ReduceLROnPlateau: optimizer, settings, mode and thresholdMode must be given");
        }
        if (!(settings.factor() > 0f && settings.factor() < 1f)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), got " + settings.factor());
        }
        if (settings.patience() < 0 || settings.cooldown() < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: patience and cooldown must be ≥ 0, got " + settings.patience()
                    + " and " + settings.cooldown());
        }
        if (!(settings.threshold() >= 0) || !(settings.minLr() >= 0f) || !(settings.eps() >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: threshold, minLr and eps must be ≥ 0, got "
                    + settings.threshold() + ", " + settings.minLr() + ", " + settings.eps());
        }
        this.optimizer = optimizer;
        this.settings = settings;
        this.best = settings.mode() == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Records one epoch's metric; returns true when this call reduced the learning rate.
     */
    public boolean step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad epochs during the cooldown do not count
        }
        if (numBadEpochs > settings.patience()) {
            cooldownCounter = settings.cooldown();
            numBadEpochs = 0;
            return reduce();
        }
        return false;
    }

    private boolean isBetter(double metric) {
        double t = settings.threshold();
        boolean rel = settings.thresholdMode() == ThresholdMode.REL;
        if (settings.mode() == Mode.MIN) {
            return metric < (rel ? best * (1 - t) : best - t);
        }
        return metric > (rel ? best * (1 + t) : best + t);
    }

    private boolean reduce() {
        double old = optimizer.lr();
        double reduced = Math.max(old * settings.factor(), settings.minLr());
        if (old - reduced > settings.eps()) {
            optimizer.setLr((float) reduced);
            return true;
        }
        return false;
    }

    public double best() {
        return best;
    }

    public long numBadEpochs() {
        return numBadEpochs;
    }

    public long lastEpoch() {
        return lastEpoch;
    }

    /** The counters and best value, for checkpoints. */
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("num_bad_epochs", (double) numBadEpochs);
        s.put("cooldown_counter", (double) cooldownCounter);
        s.put("last_epoch", (double) lastEpoch);
        return s;
    }

    public void loadState(Map<String, Double> state) {
        double newBest = SchedulerState.value("ReduceLROnPlateau", state, "best");
        long bad = SchedulerState.count("ReduceLROnPlateau", state, "num_bad_epochs");
        long cooldown = SchedulerState.count("ReduceLROnPlateau", state, "cooldown_counter");
        long epoch = SchedulerState.count("ReduceLROnPlateau", state, "last_epoch");
        best = newBest;
        numBadEpochs = bad;
        cooldownCounter = cooldown;
        lastEpoch = epoch;
    }
}
