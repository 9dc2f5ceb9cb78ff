package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DeltaZTest {

    @Test
    void countsNonZeroElementsPerSample() {
        // Sample 0 has 2 non-zero values, sample 1 has 1: ΔZ = 3/2 of dim 3.
        DeltaZ dz = DeltaZ.of(Images.of(new float[] {0, 1, 2, 0, 0, -3}, 2, 3));
        assertEquals(1.5, dz.meanNonZero(), 0);
        assertEquals(3, dz.dimension());
        assertEquals(2, dz.samples());
        assertEquals(0.5, dz.fraction(), 0);
    }

    @Test
    void negativeZeroIsZeroAndNanIsNot() {
        // As torch.count_nonzero: −0.0 == 0, NaN != 0.
        DeltaZ dz = DeltaZ.of(Images.of(new float[] {-0f, 1e-30f, Float.NaN, 0, 0, 0, 0, 0}, 2, 1, 2, 2));
        assertEquals(1.0, dz.meanNonZero(), 0);
        assertEquals(4, dz.dimension());
        assertEquals(0.25, dz.fraction(), 0);
    }

    @Test
    void rejectsTensorsWithoutAFeatureAxis() {
        assertThrows(IllegalArgumentException.class, () -> DeltaZ.of(Images.of(new float[] {1, 2}, 2)));
        assertThrows(IllegalArgumentException.class, () -> DeltaZ.of(null));
    }
}
