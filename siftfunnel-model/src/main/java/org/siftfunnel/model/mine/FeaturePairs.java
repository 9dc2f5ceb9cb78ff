package org.siftfunnel.model.mine;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.estimate.PairBatch;
import org.siftfunnel.engine.estimate.PairData;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.BatchStream;

/**
 * (x, z) pairs of a data set for MINE: x is the normalised image the model sees, z the
 * edge's output on it (eval mode, no gradients) passed through a perturbation (a defense's
 * noise or dropout, or the identity). z is recomputed for every batch, so a random
 * perturbation draws fresh noise each time, as the released code does.
 */
final class FeaturePairs implements PairData {
    private final BatchLoader loader;
    private final SplitModel model;
    private final UnaryOperator<Tensor> perturbation;

    FeaturePairs(BatchLoader loader, SplitModel model, UnaryOperator<Tensor> perturbation) {
        this.loader = loader;
        this.model = model;
        this.perturbation = perturbation;
    }

    @Override
    public int batchesPerEpoch() {
        return loader.batchesPerEpoch();
    }

    @Override
    public void forEachBatch(int epoch, Consumer<PairBatch> consumer) {
        try (BatchStream batches = loader.epoch(epoch)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                Tensor z;
                try (GradMode.Scope g = GradMode.noGrad()) {
                    z = perturbation.apply(model.features(b.images()));
                }
                consumer.accept(new PairBatch(b.images(), z));
            }
        }
    }
}
