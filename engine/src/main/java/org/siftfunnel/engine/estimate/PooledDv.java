package org.siftfunnel.engine.estimate;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The Donsker–Varadhan estimate {@code mean T_joint − log mean exp T_marg} pooled over many
 * batches: the means run over every score added, not over per-batch values, so a held-out set
 * evaluated in several batches gives one estimate over the whole set. Accumulates in double
 * with a running log-sum-exp, so large scores do not overflow.
 */
public final class PooledDv {
    private double sumJoint;
    private long countJoint;
    private double logSumExpMarginal = Double.NEGATIVE_INFINITY;
    private long countMarginal;

    /** Adds one batch of joint scores and one of marginal scores (any shapes; detached values are read). */
    public void add(Tensor tJoint, Tensor tMarginal) {
        add(tJoint.toArray(), tMarginal.toArray());
    }

    public void add(float[] joint, float[] marginal) {
        addJoint(joint);
        addMarginal(marginal);
    }

    /** Adds joint scores T(x_i, z_i). */
    public void addJoint(float[] joint) {
        requireNonEmpty("joint", joint);
        for (float t : joint) {
            sumJoint += t;
        }
        countJoint += joint.length;
    }

    /** Adds marginal scores T(x_i, z_π(i)); there may be more or fewer of them than joint scores. */
    public void addMarginal(float[] marginal) {
        requireNonEmpty("marginal", marginal);
        logSumExpMarginal = logAddExp(logSumExpMarginal, logSumExp(marginal));
        countMarginal += marginal.length;
    }

    private static void requireNonEmpty(String what, float[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("PooledDv: empty batch of " + what + " scores");
        }
    }

    /** {@code log Σ exp(v)} of one batch, computed around its maximum. */
    static double logSumExp(float[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : v) {
            max = Math.max(max, f);
        }
        if (!Double.isFinite(max)) {
            return max; // NaN (Math.max propagates it), +Inf, or −Inf when every score is −Inf
        }
        double s = 0;
        for (float f : v) {
            s += Math.exp(f - max);
        }
        return max + Math.log(s);
    }

    static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    /** Scores added so far (joint). */
    public long count() {
        return countJoint;
    }

    /** {@code mean T_joint} over everything added. */
    public double meanJoint() {
        requireData();
        return sumJoint / countJoint;
    }

    /** {@code log mean exp T_marg} over everything added. */
    public double logMeanExpMarginal() {
        requireData();
        return logSumExpMarginal - Math.log(countMarginal);
    }

    /** The pooled DV estimate in nats. */
    public double value() {
        return meanJoint() - logMeanExpMarginal();
    }

    private void requireData() {
        if (countJoint == 0 || countMarginal == 0) {
            throw new IllegalStateException("PooledDv: needs joint and marginal scores, has " + countJoint + " and "
                    + countMarginal);
        }
    }
}
