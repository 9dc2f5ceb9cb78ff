package org.siftfunnel.model.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A split model's outputs for a batch: the transmitted features Z [N, C, H, W] (what the
 * edge sends to the cloud) and the log-probabilities [N, classes].
 */
public record Prediction(Tensor features, Tensor logProbs) {
    /** Tensor names in a written prediction file. */
    public static final String FEATURES = "features";
    public static final String LOG_PROBS = "log_probs";

    public Prediction {
        if (features.size(0) != logProbs.size(0) || logProbs.shape().length != 2) {
            throw new IllegalArgumentException("prediction: features " + Arrays.toString(features.shape())
                    + " and log-probabilities " + Arrays.toString(logProbs.shape()) + " disagree (expected [N, ...] and [N, K])");
        }
    }

    /** Number of inputs N. */
    public int count() {
        return logProbs.size(0);
    }

    /** The most probable class of each input (the first of equals). */
    public int[] predictedClasses() {
        float[] lp = logProbs.toArray();
        int k = logProbs.size(1);
        int[] out = new int[count()];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (lp[i * k + c] > lp[i * k + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The probability of each input's predicted class. */
    public float[] confidences() {
        float[] lp = logProbs.toArray();
        int k = logProbs.size(1);
        int[] pred = predictedClasses();
        float[] out = new float[pred.length];
        for (int i = 0; i < pred.length; i++) {
            out[i] = (float) Math.exp(lp[i * k + pred[i]]);
        }
        return out;
    }

    /**
     * Writes {@value #FEATURES} and {@value #LOG_PROBS} (float32) with string metadata to a
     * safetensors file, creating its folder if needed.
     */
    public void write(Path file, Map<String, String> metadata) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(FEATURES, features);
        tensors.put(LOG_PROBS, logProbs);
        SafeTensors.writeTensors(file, tensors, metadata);
    }
}
