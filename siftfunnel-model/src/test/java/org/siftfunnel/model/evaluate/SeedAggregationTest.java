package org.siftfunnel.model.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SeedAggregationTest {
    private static Map<String, Object> seed(double acc, double ssim, String recon) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", Map.of("sigma", 0.8));
        m.put("accuracy", acc);
        m.put("edge_params", 9202L);
        m.put("attacks", Map.of("blackbox", Map.of("ssim", ssim, "recon", recon)));
        m.put("sweep", List.of(Map.of("accuracy", acc), Map.of("accuracy", acc + 0.1)));
        return m;
    }

    @Test
    void meansWithSampleStandardDeviations() {
        Map<String, Object> a = SeedAggregation.aggregate(List.of(seed(0.80, 0.5, "r1"), seed(0.90, 0.7, "r2"), seed(1.00, 0.6, "r3")));
        assertEquals(0.90, (Double) a.get("accuracy"), 1e-12);
        assertEquals(0.1, (Double) a.get("accuracy_std"), 1e-12); // sample std of 0.8, 0.9, 1.0
        assertEquals(9202L, a.get("edge_params"), "equal integers keep value and type");
        assertEquals(0.0, a.get("edge_params_std"));
        assertEquals(Map.of("sigma", 0.8), a.get("params"), "params are copied, not averaged");
        @SuppressWarnings("unchecked")
        Map<String, Object> bb = (Map<String, Object>) ((Map<String, Object>) a.get("attacks")).get("blackbox");
        assertEquals(0.6, (Double) bb.get("ssim"), 1e-12);
        assertEquals(0.1, (Double) bb.get("ssim_std"), 1e-12);
        assertEquals("r1", bb.get("recon"), "strings come from the first seed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sweep = (List<Map<String, Object>>) a.get("sweep");
        assertEquals(1.0, (Double) sweep.get(1).get("accuracy"), 1e-12);
        assertTrue(sweep.get(1).containsKey("accuracy_std"));
    }

    @Test
    void oneSeedHasNoStd() {
        Map<String, Object> a = SeedAggregation.aggregate(List.of(seed(0.8, 0.5, "r")));
        assertEquals(0.8, a.get("accuracy"));
        assertFalse(a.containsKey("accuracy_std"));
    }

    @Test
    void aKeyMissingInSomeSeedsIsAveragedOverTheOthers() {
        Map<String, Object> s1 = new LinkedHashMap<>(Map.of("accuracy", 0.5, "mine_paper", 0.2));
        Map<String, Object> s2 = new LinkedHashMap<>(Map.of("accuracy", 0.7));
        Map<String, Object> a = SeedAggregation.aggregate(List.of(s1, s2));
        assertEquals(0.6, (Double) a.get("accuracy"), 1e-12);
        assertEquals(0.2, a.get("mine_paper"));
    }
}
