package org.siftfunnel.engine.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class ConcatCriticTest {
    private final Backend be = Backends.reference();

    @Test
    void flattensAndConcatenatesThenScoresEachSample() {
        ConcatCritic critic = ConcatCritic.mlp(2 * 3 + 4, 8, false, new RandomSource(1));
        Tensor x = Tensor.randn(be, new RandomSource(2), 0f, 1f, 5, 2, 3);
        Tensor z = Tensor.randn(be, new RandomSource(3), 0f, 1f, 5, 4);
        Tensor s = critic.scores(x, z);
        assertArrayEquals(new int[] {5}, s.shape());
        Tensor joined = Tensor.concat(1, x.reshape(5, 6), z);
        assertArrayEquals(critic.forward(joined).toArray(), s.toArray());
        assertEquals(10 * 8 + 8 + 8 * 8 + 8 + 8 + 1, critic.parameterCount());
    }

    @Test
    void sigmoidBoundsTheScores() {
        ConcatCritic critic = ConcatCritic.mlp(2, 8, true, new RandomSource(1));
        float[] s = critic.scores(Tensor.randn(be, new RandomSource(2), 0f, 50f, 64, 1),
                Tensor.randn(be, new RandomSource(3), 0f, 50f, 64, 1)).toArray();
        for (float v : s) {
            assertTrue(v >= 0f && v <= 1f, "sigmoid output " + v);
        }
    }

    @Test
    void rejectsMismatchedBatches() {
        ConcatCritic critic = ConcatCritic.mlp(4, 8, false, new RandomSource(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> critic.scores(Tensor.zeros(be, 3, 2), Tensor.zeros(be, 4, 2)));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> critic.scores(Tensor.zeros(be, 3, 2), Tensor.zeros(be, 3, 3)));
    }

    @Test
    void settingsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> MineSettings.paper().withEpochs(0));
        assertThrows(IllegalArgumentException.class, () -> MineSettings.paper().withLr(0f));
        assertThrows(IllegalArgumentException.class, () -> MineSettings.paper().withBetas(1f, 0.99f));
        assertThrows(IllegalArgumentException.class, () -> MineSettings.corrected().withEmaRate(0));
        assertThrows(IllegalArgumentException.class, () -> MineSettings.corrected().withHeldOutShuffles(0));
        assertThrows(IllegalArgumentException.class, () -> MineSettings.corrected().withGradClipNorm(-1));
    }
}
