package org.siftfunnel.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeparableFilterTest {

    @Test
    void reflectRepeatsTheEdgeValueLikeScipy() {
        // scipy 'reflect' on a b c d: ... d c b a | a b c d | d c b a | a b c d ...
        int n = 4;
        assertEquals(0, SeparableFilter.reflect(-1, n));
        assertEquals(1, SeparableFilter.reflect(-2, n));
        assertEquals(3, SeparableFilter.reflect(-4, n));
        assertEquals(3, SeparableFilter.reflect(-5, n));
        assertEquals(0, SeparableFilter.reflect(-8, n));
        assertEquals(3, SeparableFilter.reflect(4, n));
        assertEquals(2, SeparableFilter.reflect(5, n));
        assertEquals(0, SeparableFilter.reflect(7, n));
        assertEquals(0, SeparableFilter.reflect(8, n));
        assertEquals(0, SeparableFilter.reflect(0, 1));
        assertEquals(0, SeparableFilter.reflect(-3, 1));
    }

    @Test
    void uniformFilterAveragesTheReflectedWindow() {
        double[] out = SeparableFilter.uniform(3).apply(new double[] {1, 2, 3, 4}, new int[] {4});
        assertArrayEquals(new double[] {4.0 / 3, 2, 3, 11.0 / 3}, out, 1e-12);
    }

    @Test
    void filterRunsAlongEveryAxis() {
        // A single 1 in a 3×3 array, box 3: each axis spreads it over its window, and the
        // reflection at the border counts the edge value twice.
        double[] a = new double[9];
        a[0] = 1;
        double[] out = SeparableFilter.uniform(3).apply(a, new int[] {3, 3});
        assertEquals(4.0 / 9, out[0], 1e-12);
        assertEquals(2.0 / 9, out[1], 1e-12);
        assertEquals(0, out[2], 1e-12);
        assertEquals(2.0 / 9, out[3], 1e-12);
        assertEquals(1.0 / 9, out[4], 1e-12);
        assertEquals(0, out[8], 1e-12);
    }

    @Test
    void gaussianKernelHasScipysRadiusAndNormalisation() {
        SeparableFilter g = SeparableFilter.gaussian(1.5, 3.5);
        assertEquals(11, g.size());
        assertEquals(2 * 4 + 1, SeparableFilter.gaussian(1.0, 4.0).size());
        // A unit impulse far from the borders comes back as the kernel itself.
        double[] impulse = new double[21];
        impulse[10] = 1;
        double[] out = g.apply(impulse, new int[] {21});
        double sum = 0;
        for (int k = -5; k <= 5; k++) {
            sum += Math.exp(-k * k / (2 * 1.5 * 1.5));
        }
        for (int k = -5; k <= 5; k++) {
            assertEquals(Math.exp(-k * k / (2 * 1.5 * 1.5)) / sum, out[10 + k], 1e-15, "tap " + k);
        }
        assertEquals(0, out[4], 0);
    }

    @Test
    void rejectsEvenOrNonPositiveSizes() {
        assertThrows(IllegalArgumentException.class, () -> SeparableFilter.uniform(4));
        assertThrows(IllegalArgumentException.class, () -> SeparableFilter.uniform(0));
        assertThrows(IllegalArgumentException.class, () -> SeparableFilter.gaussian(0, 3.5));
    }
}
