package org.siftfunnel.engine.nn;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Normalization;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Batch normalisation over axis 1 with PyTorch's semantics. Training mode normalises with the
 * batch statistics and updates the running statistics in place,
 * {@code running = (1 − momentum)·running + momentum·batch} (the running variance takes the
 * unbiased batch variance); evaluation mode normalises with the running statistics.
 * Parameters {@code weight} (γ, ones) and {@code bias} (β, zeros) when affine; buffers
 * {@code running_mean} (zeros) and {@code running_var} (ones).
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final float eps;
    private volatile float momentum;
    private final boolean affine;

    protected BatchNorm(int numFeatures, float eps, float momentum, boolean affine) {
        Layers.checkPositive(getClass().getSimpleName(), "numFeatures", numFeatures);
        if (!(eps > 0f)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be > 0, got " + eps);
        }
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1], got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        if (affine) {
            registerParameter("weight", Init.ones(numFeatures));
            registerParameter("bias", Init.zeros(numFeatures));
        }
        registerBuffer("running_mean", Init.zeros(numFeatures));
        registerBuffer("running_var", Init.ones(numFeatures));
    }

    /** Whether an input of this rank is accepted (the subclass's layout). */
    protected abstract boolean acceptsRank(int rank);

    /** The accepted layouts, for error messages. */
    protected abstract String expectedLayout();

    /** γ, or null when not affine. */
    public Tensor weight() {
        return parameterOrNull("weight");
    }

    /** β, or null when not affine. */
    public Tensor bias() {
        return parameterOrNull("bias");
    }

    public Tensor runningMean() {
        return buffer("running_mean");
    }

    public Tensor runningVar() {
        return buffer("running_var");
    }

    public float eps() {
        return eps;
    }

    public float momentum() {
        return momentum;
    }

    /**
     * Changes the running-statistics momentum (used by {@link BatchNormRecalibration} to
     * average statistics cumulatively).
     */
    public void setMomentum(float value) {
        if (!(value >= 0f && value <= 1f)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1], got " + value);
        }
        this.momentum = value;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!acceptsRank(x.rank()) || x.size(1) != numFeatures) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(" + numFeatures + "): expected " + expectedLayout()
                    + " with C = " + numFeatures + ", got shape " + Arrays.toString(x.shape()));
        }
        return Normalization.batchNorm(x, weight(), bias(), runningMean(), runningVar(), isTraining(), momentum, eps);
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + (affine ? "" : ", affine=false");
    }
}
