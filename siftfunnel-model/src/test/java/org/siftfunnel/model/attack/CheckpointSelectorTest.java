package org.siftfunnel.model.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Sequential;

class CheckpointSelectorTest {

    @Test
    void keepsTheStateOfTheEpochWithTheLowestScore() {
        BatchNorm2d bn = new BatchNorm2d(1);
        Sequential m = new Sequential(bn);
        CheckpointSelector selector = new CheckpointSelector(m);
        double[] scores = {0.5, 0.3, 0.4, 0.3, Double.NaN, 0.35};
        for (int epoch = 1; epoch <= scores.length; epoch++) {
            // the weight and the running mean record which epoch the state is from
            bn.weight().fill(epoch);
            bn.runningMean().fill(10 * epoch);
            boolean better = selector.offer(epoch, scores[epoch - 1]);
            assertEquals(epoch == 1 || epoch == 2, better, "epoch " + epoch);
        }
        assertEquals(2, selector.bestEpoch());
        assertEquals(0.3, selector.bestScore());
        selector.restoreBest();
        assertEquals(2f, bn.weight().item());
        assertEquals(20f, bn.runningMean().item());
    }

    @Test
    void nothingToRestoreWithoutAFiniteScore() {
        CheckpointSelector selector = new CheckpointSelector(new Sequential(new BatchNorm2d(1)));
        assertFalse(selector.offer(1, Double.NaN));
        assertEquals(0, selector.bestEpoch());
        IllegalStateException e = assertThrows(IllegalStateException.class, selector::restoreBest);
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void selectionRulesHaveStableLabels() {
        assertEquals(SelectionRule.PRIVATE_TRAIN, SelectionRule.fromLabel("private-train"));
        assertEquals(SelectionRule.AUX_HOLDOUT, SelectionRule.fromLabel(" AUX-holdout "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelectionRule.fromLabel("test"));
        assertTrue(e.getMessage().contains("private-train"), e.getMessage());
    }
}
