package org.siftfunnel.engine.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class RowsTest {
    private final Backend be = Backends.reference();

    @Test
    void permutationIsSeededAndHoldsEveryIndexOnce() {
        int[] a = Rows.permutation(50, new RandomSource(3));
        int[] b = Rows.permutation(50, new RandomSource(3));
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] != i) {
                throw new AssertionError("not a permutation: " + Arrays.toString(a));
            }
        }
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, a), "50 elements shuffled into the identity is (almost) impossible");
        assertFalse(Arrays.equals(a, Rows.permutation(50, new RandomSource(4))));
    }

    @Test
    void takePicksWholeRowsOfAnyRank() {
        Tensor t = Tensor.arange(be, 24).reshape(3, 2, 4);
        Tensor picked = Rows.take(t, new int[] {2, 0, 2});
        assertArrayEquals(new int[] {3, 2, 4}, picked.shape());
        float[] expected = new float[24];
        for (int i = 0; i < 8; i++) {
            expected[i] = 16 + i;
            expected[8 + i] = i;
            expected[16 + i] = 16 + i;
        }
        assertArrayEquals(expected, picked.toArray());
    }

    @Test
    void takeScattersTheGradientBack() {
        Tensor t = Tensor.of(be, new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        Rows.take(t, new int[] {2, 2, 0}).sum().backward();
        assertArrayEquals(new float[] {1, 1, 0, 0, 2, 2}, t.grad().toArray());
    }

    @Test
    void shuffleKeepsTheRowsTogether() {
        Tensor t = Tensor.of(be, new float[] {0, 10, 1, 11, 2, 12, 3, 13}, 4, 2);
        float[] s = Rows.shuffle(t, new RandomSource(1)).toArray();
        for (int r = 0; r < 4; r++) {
            if (s[2 * r + 1] != s[2 * r] + 10) {
                throw new AssertionError("row split apart: " + Arrays.toString(s));
            }
        }
    }

    @Test
    void rejectsBadRows() {
        Tensor t = Tensor.zeros(be, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> Rows.take(t, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> Rows.take(t, new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> Rows.take(t, new int[0]));
    }
}
