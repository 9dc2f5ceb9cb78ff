package org.siftfunnel.engine.nn;

/** Batch normalisation of [N, C, H, W] inputs per channel; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int numFeatures, float eps, float momentum, boolean affine) {
        super(numFeatures, eps, momentum, affine);
    }

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    @Override
    protected boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    protected String expectedLayout() {
        return "[N, C, H, W]";
    }
}
