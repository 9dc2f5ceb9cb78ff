package org.siftfunnel.model.inference;

import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;

/**
 * Runs a split model for inference: eval mode (BatchNorm uses its running statistics, dropout
 * is off) and no gradient tracking, in chunks so that a large input batch needs bounded memory.
 * In eval mode every sample is computed independently, so chunking does not change the result.
 */
public final class Predictor {
    /** Inputs per forward pass. */
    public static final int DEFAULT_CHUNK = 256;

    private Predictor() {
    }

    /** {@link #run(SplitModel, Tensor, int)} with {@link #DEFAULT_CHUNK}. */
    public static Prediction run(SplitModel model, Tensor input) {
        return run(model, input, DEFAULT_CHUNK);
    }

    /**
     * Features Z = {@code model.features(x)} and log-probabilities {@code model.cloud()(Z)} for
     * inputs [N, C, H, W]; the model's training flag is restored afterwards.
     */
    public static Prediction run(SplitModel model, Tensor input, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("predictor: chunk must be positive, got " + chunk);
        }
        boolean wasTraining = model.isTraining();
        model.eval();
        try (GradMode.Scope _ = GradMode.noGrad()) {
            int n = input.size(0);
            List<Tensor> features = new ArrayList<>();
            List<Tensor> logProbs = new ArrayList<>();
            for (int from = 0; from < n; from += chunk) {
                Tensor x = n <= chunk ? input : input.slice(0, from, Math.min(n, from + chunk));
                Tensor z = model.features(x);
                features.add(z);
                logProbs.add(model.cloud().forward(z));
            }
            return new Prediction(join(features), join(logProbs));
        } finally {
            model.train(wasTraining);
        }
    }

    private static Tensor join(List<Tensor> parts) {
        return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts.toArray(Tensor[]::new));
    }
}
