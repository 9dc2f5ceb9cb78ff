package org.siftfunnel.model.mine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
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
