package org.siftfunnel.engine.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** The same seeds give bit-identical runs; another shuffle seed gives another run. */
class MineDeterminismTest {
    private static final CorrelatedGaussians DATA = CorrelatedGaussians.sample(Backends.reference(), 5, 1200, 3, 0.7f);

    private record Run(MineResult result, List<float[]> parameters) {
    }

    private static Run run(boolean corrected, long seed) {
        ConcatCritic critic = ConcatCritic.mlp(6, 16, !corrected, new RandomSource(9));
        MineSettings settings = (corrected ? MineSettings.corrected() : MineSettings.paper()).withEpochs(2).withSeed(seed);
        PairData train = DATA.training(0, 1000, 100, 4);
        PairData eval = DATA.heldOut(1000, 1200, 100);
        MineResult r = corrected ? CorrectedMine.estimate(critic, train, eval, settings, MineProgress.NONE)
                : PaperMine.estimate(critic, train, eval, settings, MineProgress.NONE);
        return new Run(r, critic.parameters().stream().map(Tensor::toArray).toList());
    }

    private static void assertSameRun(Run a, Run b) {
        assertEquals(a.result().value(), b.result().value());
        assertEquals(a.result().history(), b.result().history());
        assertEquals(a.parameters().size(), b.parameters().size());
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i), b.parameters().get(i), "parameter " + i);
        }
    }

    @Test
    void paperEstimatorIsDeterministicForASeed() {
        checkSeeds(MineDeterminismTest::run, false);
    }

    @Test
    void correctedEstimatorIsDeterministicForASeed() {
        checkSeeds(MineDeterminismTest::run, true);
    }

    private static void checkSeeds(BiFunction<Boolean, Long, Run> runner, boolean corrected) {
        Run a = runner.apply(corrected, 1L);
        Run b = runner.apply(corrected, 1L);
        assertSameRun(a, b);
        Run c = runner.apply(corrected, 2L);
        assertNotEquals(a.result().history(), c.result().history(), "another seed draws other marginal shuffles");
    }
}
