package org.siftfunnel.engine.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** A MINE run stopped after a snapshot and started again ends bit for bit as a run that never stopped. */
class MineSnapshotTest {
    private static final CorrelatedGaussians DATA = CorrelatedGaussians.sample(Backends.reference(), 5, 1200, 3, 0.7f);
    private static final int EPOCHS = 4;

    /** Thrown where a killed process would have ended. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped after a snapshot");
        }
    }

    /** Keeps the last snapshot of each name in memory; every epoch is due; throws after {@code stopAfter} saves. */
    private static final class MemorySnapshots implements Snapshots {
        final Map<String, Snapshot> saved = new LinkedHashMap<>();
        int stopAfter;
        int saves;
        int loads;

        MemorySnapshots(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public boolean due() {
            return true;
        }

        @Override
        public void save(String name, Snapshot snapshot) {
            Map<String, Tensor> copies = new LinkedHashMap<>();
            snapshot.tensors().forEach((k, v) -> copies.put(k, v.copy()));
            saved.put(name, new Snapshot(copies, snapshot.values()));
            if (++saves == stopAfter) {
                throw new Stopped();
            }
        }

        @Override
        public Snapshot load(String name) {
            Snapshot s = saved.get(name);
            if (s != null) {
                loads++;
            }
            return s;
        }
    }

    private record Run(MineResult result, List<float[]> parameters) {
    }

    private static Run run(boolean corrected, Snapshots snapshots) {
        ConcatCritic critic = ConcatCritic.mlp(6, 16, !corrected, new RandomSource(9));
        MineSettings settings = (corrected ? MineSettings.corrected() : MineSettings.paper()).withEpochs(EPOCHS).withSeed(3);
        PairData train = DATA.training(0, 1000, 100, 4);
        PairData eval = DATA.heldOut(1000, 1200, 100);
        MineResult r = corrected ? CorrectedMine.estimate(critic, train, eval, settings, MineProgress.NONE, snapshots)
                : PaperMine.estimate(critic, train, eval, settings, MineProgress.NONE, snapshots);
        return new Run(r, critic.parameters().stream().map(Tensor::toArray).toList());
    }

    private static void assertResumesExactly(boolean corrected, int stopAfter) {
        Run straight = run(corrected, Snapshots.NONE);
        MemorySnapshots store = new MemorySnapshots(stopAfter);
        assertThrows(Stopped.class, () -> run(corrected, store));
        String name = corrected ? CorrectedMine.SNAPSHOT : PaperMine.SNAPSHOT;
        assertEquals("epoch " + stopAfter + "/" + EPOCHS, store.saved.get(name).values().get("resume_point"));
        store.stopAfter = Integer.MAX_VALUE;
        Run resumed = run(corrected, store);
        assertEquals(1, store.loads);
        assertEquals(EPOCHS - 1, store.saves, "one snapshot per epoch but the last, over both attempts");
        assertEquals(straight.result(), resumed.result(), "value, best epoch and every epoch's values, bit for bit");
        for (int i = 0; i < straight.parameters().size(); i++) {
            assertArrayEquals(straight.parameters().get(i), resumed.parameters().get(i), "critic parameter " + i);
        }
    }

    @Test
    void thePaperEstimatorGoesOnFromItsSnapshot() {
        assertResumesExactly(false, 1);
        assertResumesExactly(false, 3);
    }

    @Test
    void theCorrectedEstimatorGoesOnFromItsSnapshotWithItsMovingAverage() {
        assertResumesExactly(true, 1);
        assertResumesExactly(true, 2);
    }

    @Test
    void historiesReadBackBitForBit() {
        List<EpochValues> h = List.of(new EpochValues(1, 0.1 + 0.2, Double.NEGATIVE_INFINITY, 1e-4f),
                new EpochValues(2, Double.NaN, -3.5e-300, 0.009999999776482582));
        assertEquals(h, MineResult.decodeHistory(MineResult.encodeHistory(h)));
        assertEquals(List.of(), MineResult.decodeHistory(""));
        assertThrows(IllegalArgumentException.class, () -> MineResult.decodeHistory("1,2,3"));
    }
}
