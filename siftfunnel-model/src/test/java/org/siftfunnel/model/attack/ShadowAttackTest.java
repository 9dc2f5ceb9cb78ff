package org.siftfunnel.model.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.Classifier4;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.train.TrainSettings;
import org.siftfunnel.model.train.Trainer;

class ShadowAttackTest {

    @Test
    void shadowEdgeLearnsAgainstTheFrozenCloudAndInvertsTheVictimFeatures() {
        ArchConfig config = ArchConfig.of(1, AttackFixtures.SIZE, 10);
        SplitModel victim = new Classifier4(config, 16, new RandomSource(51)).eval();
        Map<String, float[]> before = new java.util.HashMap<>();
        victim.stateDict().forEach((k, v) -> before.put(k, v.toArray()));
        Dataset aux = AttackFixtures.sample(AttackFixtures.bundled().auxiliary(), 96, 52);
        AttackContext ctx = AttackFixtures.context(victim, aux, null, z -> {
            throw new AssertionError("the query-free attack must not query the edge");
        }, 53);
        ShadowSettings settings = ShadowSettings.he().withEpochs(4).withBatchSize(16).withLr(1e-2f)
                .withInversion(InversionSettings.he().withIterations(30));
        ShadowAttack attack = new ShadowAttack(settings, (v, rng) -> new Classifier4(v.config(), 16, rng).edge());
        PreparedAttack prepared = attack.prepare(ctx);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> curve = (List<Map<String, Object>>) prepared.metadata().get("shadow_curve");
        assertEquals(4, curve.size());
        double first = ((Number) curve.get(0).get("cross_entropy")).doubleValue();
        double last = ((Number) curve.get(3).get("cross_entropy")).doubleValue();
        for (int i = 1; i < curve.size(); i++) {
            assertTrue(((Number) curve.get(i).get("cross_entropy")).doubleValue() < ((Number) curve.get(i - 1).get("cross_entropy")).doubleValue(),
                    "the cross-entropy should fall every epoch: " + curve);
        }
        // against a frozen, untrained cloud the logits stay small, so the fall is steady rather than steep
        assertTrue(last < first - 0.03, "the shadow edge should learn: cross-entropy per epoch " + curve);
        assertTrue(((Number) curve.get(3).get("accuracy")).doubleValue() > ((Number) curve.get(0).get("accuracy")).doubleValue());
        assertEquals(2.0, ((Number) prepared.metadata().get("tv_weight")).doubleValue());

        // the victim's features, transmitted without the attacker's involvement
        Tensor z = victim.features(Tensor.zeros(3, 1, 16, 16)).detach();
        Tensor xhat = prepared.reconstruct(z);
        assertArrayEquals(new int[] {3, 1, 16, 16}, xhat.shape());
        for (float v : xhat.toArray()) {
            assertTrue(v >= 0f && v <= 1f);
        }
        // the victim is untouched: no gradients, same weights and running statistics (cloud frozen in eval mode)
        for (Map.Entry<String, Tensor> p : victim.namedParameters().entrySet()) {
            assertNull(p.getValue().grad(), "gradient left in " + p.getKey());
            assertTrue(p.getValue().requiresGrad());
        }
        victim.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k), v.toArray(), "changed " + k));
        assertTrue(!victim.cloud().isTraining());
        assertTrue(Json.write(prepared.metadata()).contains("\"shadow_curve\""), "metadata must be JSON-ready");
    }

    @Test
    void aStoppedShadowTrainingGoesOnFromItsSnapshotWithExactlyTheSameNumbers() {
        // MID at the split: the shadow edge ends with the bottleneck, which samples its noise while
        // it trains, so the snapshot must also put the shadow's own random stream back. The
        // schedule halves the rate every 2 epochs.
        TrainSettings s = TrainSettings.forProfile("demo");
        s.set("defense", "mid");
        s.set("image-size", "16");
        SplitModel victim = Trainer.buildModel(s, 1, 10).eval();
        Dataset aux = AttackFixtures.sample(AttackFixtures.bundled().auxiliary(), 64, 52);
        ShadowSettings settings = new ShadowSettings(4, 1e-2f, 16, 2, InversionSettings.he());
        ShadowAttack attack = new ShadowAttack(settings, ShadowAttack::sameArchitecture);

        Module straight = ShadowAttack.sameArchitecture(victim, new RandomSource(5));
        assertTrue(!straight.namedRandomSources().isEmpty(), "MID's shadow edge draws noise while it trains");
        List<Map<String, Object>> curve = attack.trainShadow(straight, victim.cloud(), AttackFixtures.context(victim, aux, null, null, 53));

        AttackFixtures.MemorySnapshots store = new AttackFixtures.MemorySnapshots(null, 2);
        Module first = ShadowAttack.sameArchitecture(victim, new RandomSource(5));
        assertThrows(AttackFixtures.Stopped.class,
                () -> attack.trainShadow(first, victim.cloud(), AttackFixtures.context(victim, aux, null, null, 53).withSnapshots(store)));
        assertEquals("epoch 2/4", store.saved(ShadowAttack.SNAPSHOT).values().get("resume_point"));
        Module second = ShadowAttack.sameArchitecture(victim, new RandomSource(5));
        List<Map<String, Object>> resumed = attack.trainShadow(second, victim.cloud(),
                AttackFixtures.context(victim, aux, null, null, 53).withSnapshots(store));
        assertEquals(1, store.loads);
        assertEquals(curve, resumed, "every epoch's cross-entropy, accuracy and rate, bit for bit");
        assertTrue(curve.stream().map(r -> r.get("lr")).distinct().count() > 1, "the schedule changed the rate: " + curve);
        straight.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), second.stateDict().get(k).toArray(), k));
        assertEquals(straight.randomPositions(), second.randomPositions());
    }

    @Test
    void defaultShadowEdgeHasTheVictimsArchitecture() {
        // Every defense's own model, as training builds it (MID at the split ends the edge with its bottleneck).
        for (String defense : Defenses.NAMES) {
            TrainSettings s = TrainSettings.forProfile("demo");
            s.set("defense", defense);
            s.set("image-size", "16");
            SplitModel victim = Trainer.buildModel(s, 1, 10);
            Module shadow = ShadowAttack.sameArchitecture(victim, new RandomSource(2));
            Map<String, Tensor> want = victim.edge().stateDict();
            Map<String, Tensor> got = shadow.stateDict();
            assertEquals(want.keySet(), got.keySet(), defense);
            want.forEach((k, v) -> assertArrayEquals(v.shape(), got.get(k).shape(), defense + ": " + k));
            Tensor a = victim.edge().parameters().get(0);
            Tensor b = shadow.parameters().get(0);
            assertTrue(!a.allClose(b, 0f, 1e-6f), defense + ": the shadow edge must have fresh weights");
        }
        SplitModel custom = AttackFixtures.convEdgeVictim(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShadowAttack.sameArchitecture(custom, new RandomSource(2)));
        assertTrue(e.getMessage().contains("ShadowEdgeFactory"), e.getMessage());
    }
}
