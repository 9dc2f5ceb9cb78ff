package org.siftfunnel.engine.nn;

/** Batch normalisation of [N, C] or [N, C, L] inputs per feature; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int numFeatures, float eps, float momentum, boolean affine) {
        super(numFeatures, eps, momentum, affine);
    }

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    @Override
    protected boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    protected String expectedLayout() {
        return "[N, C] or [N, C, L]";
    }
}
