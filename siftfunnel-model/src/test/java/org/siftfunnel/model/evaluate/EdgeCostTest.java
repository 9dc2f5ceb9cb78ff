package org.siftfunnel.model.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.train.TrainSettings;

class EdgeCostTest {
    @Test
    void warmUpIsSteadyOnlyWhenTheLastBlocksAgree() {
        assertFalse(EdgeCost.steady(List.of(1.0, 1.0)), "fewer blocks than the rule needs");
        // The JIT still speeds the pass up: 10 ms, then 5, then 1.2.
        assertFalse(EdgeCost.steady(List.of(10.0, 5.0, 1.2)));
        assertFalse(EdgeCost.steady(List.of(10.0, 1.3, 1.2, 1.0)), "1.3 is 30% above 1.0");
        assertTrue(EdgeCost.steady(List.of(10.0, 5.0, 1.05, 1.0, 1.08)));
        assertTrue(EdgeCost.steady(List.of(2.0, 2.0, 2.0)));
    }

    @Test
    void measuresTheEdgeOfAModel() {
        Backend cpu = Backends.get("cpu");
        TrainSettings s = TrainSettings.forProfile("demo");
        s.set("defense", "siftfunnel");
        s.set("image-size", "16");
        SplitModel model = Defenses.create(s).build("cnn", ArchConfig.of(1, 16, 10), new RandomSource(1));
        model.to(cpu);
        model.train();
        Map<String, Object> m = EdgeCost.measure(model, z -> z, cpu, 20, 1);
        double ms = ((Number) m.get("edge_latency_ms")).doubleValue();
        assertTrue(ms > 0 && ms < 1000, "latency " + ms + " ms");
        assertEquals(20, m.get("edge_latency_runs"));
        assertEquals(4L * model.featureSize(), m.get("bytes_per_image"));
        assertTrue(model.isTraining(), "measuring must leave the model in the mode it found it in");
    }
}
