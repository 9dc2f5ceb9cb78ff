package org.siftfunnel.model.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.model.train.TrainSettings;

/** The registry: names, parameters read from the settings, and errors for unknown names. */
class DefensesRegistryTest {
    @Test
    void listsEveryDefense() {
        assertEquals(List.of("none", "noise", "dropout", "nopeek", "mid", "mid-head", "bido", "ls", "funnel", "siftfunnel",
                "siftfunnel-no-dcor", "siftfunnel-no-pearson", "siftfunnel-no-l1", "siftfunnel-no-ls"), Defenses.NAMES);
    }

    @Test
    void onlyNoiseAndDropoutPerturbAtRandom() {
        // An attacker's repeated queries are cached for every other defense (AttackContext.repeatableQueries).
        for (String name : Defenses.NAMES) {
            boolean random = Defenses.create(new TrainSettings().set("defense", name)).perturbsAtRandom();
            assertEquals(name.equals("noise") || name.equals("dropout"), random, name);
        }
    }

    @Test
    void parametersComeFromTheirSettings() {
        TrainSettings s = new TrainSettings().set("nopeek-lambda", "3").set("mid-beta", "0.01").set("mid-k", "32")
                .set("bido-lambda-x", "0.2").set("bido-lambda-y", "2").set("bido-sigma", "1.5").set("smoothing", "0.35");
        assertEquals(Map.of("lambda", 3.0), Defenses.create(s.set("defense", "nopeek")).parameters());
        assertEquals(Map.of("beta", 0.01), Defenses.create(s.set("defense", "mid")).parameters());
        assertEquals(Map.of("beta", 0.01, "k", 32.0), Defenses.create(s.set("defense", "mid-head")).parameters());
        assertEquals(Map.of("lambda-x", 0.2, "lambda-y", 2.0, "sigma", 1.5, "normalized", 1.0), Defenses.create(s.set("defense", "bido")).parameters());
        assertEquals(Map.of("smoothing", 0.35), Defenses.create(s.set("defense", "ls")).parameters());
        assertEquals(Map.of("sigma", "noise-sigma"), Defenses.parameterSettings("noise"));
        assertEquals(List.of("alpha", "beta", "gamma", "smoothing", "l1"),
                List.copyOf(Defenses.create(s.set("defense", "siftfunnel")).parameters().keySet()));
    }

    @Test
    void newSettingsHaveTheDocumentedDefaults() {
        TrainSettings s = new TrainSettings();
        assertEquals(0.8, s.noiseSigma);
        assertEquals(0.8, s.dropoutRate);
        assertEquals(1e-3, s.midBeta);
        assertEquals(0, s.midK);
        assertEquals(0.05, s.bidoLambdaX);
        assertEquals(0.5, s.bidoLambdaY);
        assertEquals(5, s.bidoSigma);
        assertTrue(s.bidoNormalized);
        Map<String, Object> json = s.toJson();
        for (String name : List.of("noise-sigma", "dropout-rate", "nopeek-lambda", "mid-beta", "mid-k", "bido-lambda-x",
                "bido-lambda-y", "bido-sigma", "bido-normalized")) {
            assertTrue(json.containsKey(name), name + " is written to config.json");
        }
        // A config file with integral values (as JSON writes 5.0 back) reads back.
        TrainSettings back = new TrainSettings().apply(Map.of("bido-sigma", 5.0, "mid-k", 16.0, "nopeek-lambda", 2.0), "test");
        assertEquals(5, back.bidoSigma);
        assertEquals(16, back.midK);
        assertEquals(2, back.nopeekLambda);
    }

    @Test
    void unknownNamesAreRejectedWithTheKnownOnes() {
        TrainSettings s = new TrainSettings();
        s.defense = "shredder";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Defenses.create(s));
        assertTrue(e.getMessage().contains("unknown defense 'shredder'") && e.getMessage().contains("siftfunnel-no-ls"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Defenses.parameterSettings("shredder"));
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class, () -> new TrainSettings().set("defense", "shredder"));
        assertTrue(flag.getMessage().contains("bido"), flag.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainSettings().set("dropout-rate", "1"));
        assertThrows(IllegalArgumentException.class, () -> new TrainSettings().set("mid-k", "-1"));
    }
}
