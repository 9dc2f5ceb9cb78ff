package org.siftfunnel.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;

class PredictorTest {
    private static final Backend REF = Backends.reference();

    private static Tensor input(int n) {
        return Tensor.rand(REF, new RandomSource(4), -1f, 1f, n, 1, 16, 16);
    }

    @Test
    void runsInEvalModeWithoutGradientsAndRestoresTrainingMode() {
        // The undefended CNN's head has dropout: in training mode two runs would differ.
        SplitModel model = InferenceFixtures.tinyModel(31).to(REF);
        model.train();
        Tensor x = input(3);
        Prediction a = Predictor.run(model, x);
        Prediction b = Predictor.run(model, x);
        assertArrayEquals(a.logProbs().toArray(), b.logProbs().toArray());
        assertTrue(model.isTraining());
        assertFalse(a.features().requiresGrad());
        assertFalse(a.logProbs().requiresGrad());
        assertArrayEquals(new int[] {3, 3}, a.logProbs().shape());
        assertArrayEquals(concat(3, model.featureShape()), a.features().shape());
    }

    private static int[] concat(int n, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = n;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Test
    void chunkingDoesNotChangeTheResult() {
        SplitModel model = InferenceFixtures.tinyModel(32).to(REF);
        Tensor x = input(5);
        Prediction whole = Predictor.run(model, x, 100);
        Prediction chunked = Predictor.run(model, x, 2);
        assertArrayEquals(whole.features().toArray(), chunked.features().toArray());
        assertArrayEquals(whole.logProbs().toArray(), chunked.logProbs().toArray());
        assertThrows(IllegalArgumentException.class, () -> Predictor.run(model, x, 0));
    }

    @Test
    void predictedClassesAndConfidencesComeFromTheLogProbabilities() {
        float[] p = {0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f};
        float[] lp = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            lp[i] = (float) Math.log(p[i]);
        }
        Prediction pr = new Prediction(Tensor.zeros(REF, 2, 4, 1, 1), Tensor.of(REF, lp, 2, 3));
        assertEquals(2, pr.count());
        assertArrayEquals(new int[] {1, 0}, pr.predictedClasses());
        assertArrayEquals(new float[] {0.7f, 0.6f}, pr.confidences(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new Prediction(Tensor.zeros(REF, 3, 4, 1, 1), Tensor.of(REF, lp, 2, 3)));
    }

    @Test
    void writesFeaturesAndLogProbabilitiesWithMetadataCreatingTheFolder(@TempDir Path dir) throws IOException {
        SplitModel model = InferenceFixtures.tinyModel(33).to(REF);
        Prediction pr = Predictor.run(model, input(2));
        Path out = dir.resolve("nested/folder/out.safetensors");
        pr.write(out, Map.of("arch", "cnn"));
        SafeTensors.Contents c = SafeTensors.read(out);
        assertArrayEquals(pr.features().toArray(), c.require(Prediction.FEATURES).toFloats());
        assertArrayEquals(pr.logProbs().toArray(), c.require(Prediction.LOG_PROBS).toFloats());
        assertArrayEquals(pr.features().shape(), c.require(Prediction.FEATURES).shape());
        assertEquals("cnn", c.metadata().get("arch"));
    }
}
