package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void meanAndPopulationStandardDeviation() {
        Summary s = Summary.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertEquals(5, s.mean(), 1e-12);
        assertEquals(2, s.std(), 1e-12);
        assertEquals(8, s.count());
        assertEquals(0, s.infinite());
        assertEquals(0, Summary.of(new double[] {3}).std(), 0);
    }

    @Test
    void infiniteValuesAreCountedAndMakeTheMeanInfinite() {
        Summary s = Summary.of(new double[] {20, Double.POSITIVE_INFINITY, 30});
        assertEquals(Double.POSITIVE_INFINITY, s.mean());
        assertTrue(Double.isNaN(s.std()));
        assertEquals(1, s.infinite());
    }

    @Test
    void nanAndEmptyInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new double[] {1, Double.NaN}));
    }
}
