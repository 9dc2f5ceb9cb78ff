package org.siftfunnel.model.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The sweep's representative: strongest (lowest black-box SSIM) among the comparable settings. */
class SweepSelectionTest {
    private static Map<String, Object> point(double sigma, double accuracy, Double blackboxSsim, Double whiteboxSsim) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("params", Map.of("sigma", sigma));
        p.put("accuracy", accuracy);
        Map<String, Object> attacks = new LinkedHashMap<>();
        if (blackboxSsim != null) {
            attacks.put("blackbox", Map.of("ssim", blackboxSsim));
        }
        if (whiteboxSsim != null) {
            attacks.put("whitebox", Map.of("ssim", whiteboxSsim));
        }
        if (!attacks.isEmpty()) {
            p.put("attacks", attacks);
        }
        return p;
    }

    @Test
    void strongestComparableSettingByBlackboxSsim() {
        // Reference accuracy 0.90: 0.87 is exactly 3 points below (comparable), 0.86 is not.
        List<Map<String, Object>> table = List.of(
                point(0.2, 0.91, 0.60, 0.9),
                point(0.5, 0.89, 0.45, 0.9),
                point(0.8, 0.87, 0.40, 0.9),
                point(1.5, 0.86, 0.20, 0.9));
        SweepSelection.Choice c = SweepSelection.choose(table, "sigma", 0.90, 0.03);
        assertEquals(2, c.index());
        assertTrue(c.comparable());
        assertTrue(c.reason().contains("blackbox"), c.reason());
    }

    @Test
    void withoutBlackboxTheStrongestAttacksSsimDecides() {
        List<Map<String, Object>> table = List.of(
                point(0.2, 0.90, null, 0.70),
                point(0.5, 0.90, null, 0.30),
                point(0.8, 0.90, null, 0.50));
        assertEquals(1, SweepSelection.choose(table, "sigma", 0.90, 0.03).index());
    }

    @Test
    void withoutAttacksTheHighestValueWins() {
        List<Map<String, Object>> table = List.of(point(0.2, 0.90, null, null), point(1.5, 0.80, null, null),
                point(0.8, 0.89, null, null));
        SweepSelection.Choice c = SweepSelection.choose(table, "sigma", 0.90, 0.03);
        assertEquals(2, c.index(), "1.5 is strongest but 10 points below the reference");
        assertTrue(c.reason().contains("highest sigma"), c.reason());
    }

    @Test
    void tiesGoToTheHigherValue() {
        List<Map<String, Object>> table = List.of(point(0.5, 0.90, 0.4, null), point(0.8, 0.90, 0.4, null));
        assertEquals(1, SweepSelection.choose(table, "sigma", 0.90, 0.03).index());
    }

    @Test
    void noComparableSettingPicksTheMostAccurateAndSaysSo() {
        List<Map<String, Object>> table = List.of(point(0.2, 0.70, 0.5, null), point(0.8, 0.80, 0.3, null),
                point(1.5, 0.60, 0.1, null));
        SweepSelection.Choice c = SweepSelection.choose(table, "sigma", 0.90, 0.03);
        assertEquals(1, c.index());
        assertFalse(c.comparable());
    }

    @Test
    void withoutReferenceEverySettingIsComparable() {
        List<Map<String, Object>> table = List.of(point(0.2, 0.50, 0.5, null), point(0.8, 0.10, 0.3, null));
        assertEquals(1, SweepSelection.choose(table, "sigma", Double.NaN, 0.03).index());
    }

    @Test
    void strongestAttackIsTheHighestSsim() {
        assertEquals("whitebox", SweepSelection.strongestAttack(point(0.2, 0.9, 0.3, 0.6)));
        assertEquals("blackbox", SweepSelection.strongestAttack(point(0.2, 0.9, 0.7, 0.6)));
    }
}
