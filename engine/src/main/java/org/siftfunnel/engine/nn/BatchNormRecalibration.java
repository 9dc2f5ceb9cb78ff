package org.siftfunnel.engine.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * "Precise BN": re-estimates every BatchNorm layer's running statistics as the exact average
 * of batch statistics over a pass of data, leaving the weights unchanged. Running statistics
 * accumulated with a small momentum during training lag behind the weights (attention gates
 * use momentum 0.01), which makes eval-mode accuracy swing between epochs; recalibrating
 * before evaluation removes that lag.
 *
 * <p>Implementation: batch {@code k} is folded in with momentum {@code 1/k}, which yields the
 * running mean of the batch means (and of the unbiased batch variances). The model is run in
 * training mode under no-grad; its mode and momenta are restored afterwards.
 */
public final class BatchNormRecalibration {
    private BatchNormRecalibration() {
    }

    /** All BatchNorm layers of a model, in registration order. */
    public static List<BatchNorm> layers(Module model) {
        List<BatchNorm> out = new ArrayList<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm bn) {
                out.add(bn);
            }
        }
        return out;
    }

    /**
     * Recalibrates over at most {@code maxBatches} inputs from {@code batches}.
     *
     * @return the number of batches used (0 leaves the statistics unchanged)
     */
    public static int recalibrate(Module model, Iterator<Tensor> batches, int maxBatches) {
        List<BatchNorm> bns = layers(model);
        if (bns.isEmpty() || maxBatches <= 0) {
            return 0;
        }
        boolean wasTraining = model.isTraining();
        float[] momenta = new float[bns.size()];
        for (int i = 0; i < bns.size(); i++) {
            momenta[i] = bns.get(i).momentum();
        }
        int used = 0;
        try (GradMode.Scope s = GradMode.noGrad()) {
            model.train();
            while (used < maxBatches && batches.hasNext()) {
                Tensor x = batches.next();
                used++;
                for (BatchNorm bn : bns) {
                    bn.setMomentum(1f / used);
                }
                model.forward(x);
            }
        } finally {
            for (int i = 0; i < bns.size(); i++) {
                bns.get(i).setMomentum(momenta[i]);
            }
            model.train(wasTraining);
        }
        return used;
    }
}
