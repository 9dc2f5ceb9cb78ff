package org.siftfunnel.model.defense;

import java.util.List;
import java.util.Map;

import org.siftfunnel.model.objective.SiftFunnelObjective;
import org.siftfunnel.model.objective.TaskObjective;
import org.siftfunnel.model.train.TrainSettings;

/** The registry of defenses by name, configured from a run's settings. */
public final class Defenses {
    /** Every name {@link #create} accepts. */
    public static final List<String> NAMES = List.of("none", "siftfunnel");

    private Defenses() {
    }

    public static Defense create(TrainSettings s) {
        return switch (s.defense) {
            case "none" -> new ObjectiveDefense("none", "none", new TaskObjective(), Map.of());
            case "siftfunnel" -> new ObjectiveDefense("siftfunnel", "siftfunnel",
                    new SiftFunnelObjective((float) s.alpha, (float) s.beta, (float) s.gamma, (float) s.l1Weight, (float) s.smoothing, true),
                    Map.of("alpha", s.alpha, "beta", s.beta, "gamma", s.gamma, "smoothing", s.smoothing, "l1", s.l1Weight));
            default -> throw new IllegalArgumentException("unknown defense '" + s.defense + "'; known: " + String.join(", ", NAMES));
        };
    }
}
