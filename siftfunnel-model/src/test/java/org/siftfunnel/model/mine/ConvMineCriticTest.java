package org.siftfunnel.model.mine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class ConvMineCriticTest {
    private final Backend be = Backends.getDefault();

    @Test
    void hasThePapersFourConvolutionsWithBias() {
        ConvMineCritic critic = ConvMineCritic.paper(3, 8, 64, 64, new RandomSource(1));
        List<int[]> shapes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : critic.namedParameters().entrySet()) {
            shapes.add(e.getValue().shape());
        }
        List<int[]> expected = List.of(new int[] {64, 11, 3, 3}, new int[] {64}, new int[] {32, 64, 3, 3}, new int[] {32},
                new int[] {16, 32, 3, 3}, new int[] {16}, new int[] {4, 16, 3, 3}, new int[] {4});
        assertEquals(expected.size(), shapes.size(), critic.namedParameters().keySet().toString());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), shapes.get(i), "parameter " + i);
        }
        assertTrue(critic.hasSigmoid());
        assertTrue(!ConvMineCritic.unbounded(3, 8, 64, 64, new RandomSource(1)).hasSigmoid());
    }

    @Test
    void padsZOnTheRightAndBottomAndPutsTheImageFirst() {
        ConvMineCritic critic = ConvMineCritic.unbounded(1, 2, 16, 16, new RandomSource(1));
        Tensor x = Tensor.rand(be, new RandomSource(2), -1f, 1f, 3, 1, 16, 16);
        Tensor z = Tensor.rand(be, new RandomSource(3), 0f, 1f, 3, 2, 4, 8);
        float[] zv = z.toArray();
        float[] padded = new float[3 * 2 * 16 * 16];
        for (int b = 0; b < 3; b++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 8; j++) {
                        padded[((b * 2 + c) * 16 + i) * 16 + j] = zv[((b * 2 + c) * 4 + i) * 8 + j];
                    }
                }
            }
        }
        Tensor joined = Tensor.concat(1, x, Tensor.of(be, padded, 3, 2, 16, 16));
        Tensor scores = critic.scores(x, z);
        assertArrayEquals(new int[] {3}, scores.shape());
        assertArrayEquals(critic.forward(joined).toArray(), scores.toArray(), 1e-6f);
    }

    /**
     * scores(x, z) computes z's part of the first convolution on z's corner only; it must be the
     * same function as the paper's padded-and-concatenated form, with the same parameter
     * gradients, for z smaller than the image, one row and column short of it, as large as it,
     * and a single pixel.
     */
    @ParameterizedTest(name = "z {0}x{1} in a 12x16 image, {2}")
    @CsvSource({"4, 8, sigmoid", "11, 15, unbounded", "12, 16, unbounded", "1, 1, sigmoid", "12, 3, unbounded"})
    void scoresMatchThePaddedFormWithTheSameGradients(int h, int w, String kind) {
        boolean sigmoid = kind.equals("sigmoid");
        ConvMineCritic critic = new ConvMineCritic(2, 5, 12, 16, sigmoid, new RandomSource(7));
        Tensor x = Tensor.rand(be, new RandomSource(8), -1f, 1f, 3, 2, 12, 16);
        Tensor z = Tensor.rand(be, new RandomSource(9), -2f, 2f, 3, 5, h, w);
        Tensor joined = Tensor.concat(1, x, z.pad(new int[] {0, 16 - w, 0, 12 - h}, 0f));

        critic.zeroGrad();
        Tensor reference = critic.forward(joined);
        reference.sum().backward();
        List<float[]> wanted = critic.parameters().stream().map(p -> p.grad().toArray()).toList();

        critic.zeroGrad();
        Tensor scores = critic.scores(x, z);
        scores.sum().backward();
        assertArrayEquals(reference.toArray(), scores.toArray(), 2e-6f);
        List<Tensor> params = critic.parameters();
        for (int i = 0; i < params.size(); i++) {
            float[] got = params.get(i).grad().toArray();
            float scale = 0f;
            for (float v : wanted.get(i)) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertArrayEquals(wanted.get(i), got, 1e-5f * Math.max(1f, scale), "gradient of parameter " + i);
        }
    }

    @Test
    void sigmoidCriticScoresLieInZeroOne() {
        ConvMineCritic critic = ConvMineCritic.paper(1, 1, 16, 16, new RandomSource(1));
        float[] s = critic.scores(Tensor.randn(be, new RandomSource(2), 0f, 30f, 4, 1, 16, 16),
                Tensor.randn(be, new RandomSource(3), 0f, 30f, 4, 1, 16, 16)).toArray();
        for (float v : s) {
            assertTrue(v > 0f && v < 1f, "score " + v);
        }
    }

    @Test
    void rejectsFeaturesThatDoNotFit() {
        ConvMineCritic critic = ConvMineCritic.paper(1, 2, 16, 16, new RandomSource(1));
        Tensor x = Tensor.zeros(be, 2, 1, 16, 16);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> critic.scores(x, Tensor.zeros(be, 2, 2, 32, 32)));
        assertTrue(big.getMessage().contains("[2, 2, 32, 32]"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> critic.scores(x, Tensor.zeros(be, 2, 3, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> critic.scores(x, Tensor.zeros(be, 3, 2, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> critic.scores(Tensor.zeros(be, 2, 3, 16, 16), Tensor.zeros(be, 2, 2, 8, 8)));
    }
}
