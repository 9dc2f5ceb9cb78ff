package org.siftfunnel.model.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.io.Json;

class AttacksTest {

    @Test
    void everyNameBuildsTheAttackOfThatName() {
        for (String name : Attacks.NAMES) {
            Attack a = Attacks.create(name);
            assertEquals(name, a.name());
            // settings are JSON-ready
            assertTrue(Json.write(a.settings()).length() > 2);
        }
        assertInstanceOf(DecoderAttack.class, Attacks.create("blackbox"));
        assertEquals(DecoderAttack.Design.PAPER, ((DecoderAttack) Attacks.create("blackbox")).design());
        assertEquals(DecoderAttack.Design.ADAPTIVE, ((DecoderAttack) Attacks.create("adaptive-blackbox")).design());
        assertEquals(InversionSettings.paper(), ((WhiteBoxAttack) Attacks.create("whitebox-paper")).inversionSettings());
        assertEquals(InversionSettings.tuned(), ((WhiteBoxAttack) Attacks.create("WhiteBox")).inversionSettings());
        assertEquals(InversionSettings.FeatureLoss.RELATIVE,
                ((WhiteBoxAttack) Attacks.create("adaptive-whitebox")).inversionSettings().featureLoss());
        assertInstanceOf(ShadowAttack.class, Attacks.create("shadow"));
        assertEquals(ShadowSettings.tuned().toJson(), Attacks.create("shadow").settings());
        assertTrue(((WhiteBoxAttack) Attacks.create("adaptive-whitebox")).inversionSettings().tvWeights().containsAll(List.of(0f, 100f)));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attacks.create("gan"));
        assertTrue(e.getMessage().contains("blackbox") && e.getMessage().contains("adaptive-whitebox"), e.getMessage());
    }

    @Test
    void optionsOverrideTheDefaults() {
        AttackOptions o = new AttackOptions(7, SelectionRule.AUX_HOLDOUT, 100, 33, 2);
        DecoderSettings d = ((DecoderAttack) Attacks.create("blackbox", o)).decoderSettings();
        assertEquals(7, d.epochs());
        assertEquals(SelectionRule.AUX_HOLDOUT, d.selectionRule());
        assertEquals(100, d.selectionLimit());
        assertEquals(33, ((WhiteBoxAttack) Attacks.create("whitebox", o)).inversionSettings().iterations());
        assertEquals(33, ((WhiteBoxAttack) Attacks.create("whitebox-paper", o)).inversionSettings().iterations());
        assertEquals(2, ((java.util.Map<?, ?>) Attacks.create("shadow", o).settings()).get("shadow_epochs"));
        assertThrows(IllegalArgumentException.class, () -> new AttackOptions(-1, null, 0, 0, 0));
        assertEquals(8, ((WhiteBoxAttack) Attacks.create("whitebox", o)).inversionSettings().sweepImages(), "0 keeps the default");
        AttackOptions fewSweepImages = new AttackOptions(0, null, 0, 0, 0, 3);
        assertEquals(3, ((WhiteBoxAttack) Attacks.create("whitebox", fewSweepImages)).inversionSettings().sweepImages());
        assertEquals(3, ((WhiteBoxAttack) Attacks.create("adaptive-whitebox", fewSweepImages)).inversionSettings().sweepImages());
        assertThrows(IllegalArgumentException.class, () -> new AttackOptions(0, null, 0, 0, 0, -1));
    }

    @Test
    void contextChecksTheDataAgainstTheVictimsInput() {
        org.siftfunnel.model.arch.SplitModel victim = AttackFixtures.convEdgeVictim(1);
        org.siftfunnel.model.data.Dataset aux = AttackFixtures.sample(AttackFixtures.bundled().auxiliary(), 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AttackContext(victim, null, aux, null,
                org.siftfunnel.model.data.Preprocessing.paper(32, 1), org.siftfunnel.engine.backend.Backends.getDefault(), 1, null));
        assertTrue(e.getMessage().contains("[1, 32, 32]") && e.getMessage().contains("[1, 16, 16]"), e.getMessage());
        AttackContext ok = AttackFixtures.context(victim, aux, null, null, 1);
        assertEquals(AttackProgress.NONE, ok.progress());
        // no perturbation given: the identity
        org.siftfunnel.engine.tensor.Tensor x = org.siftfunnel.engine.tensor.Tensor.ones(1, 1, 16, 16);
        assertTrue(ok.observe(x).allClose(victim.features(x), 0f, 0f));
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> WhiteBoxAttack.paper(InversionSettings.paper()).prepare(ok).reconstruct(org.siftfunnel.engine.tensor.Tensor.zeros(1, 3, 16, 16)));
        assertTrue(wrong.getMessage().contains("[N, 4, 16, 16]"), wrong.getMessage());
    }

    @Test
    void paperDecoderSettingsAreTheReleasedOnes() {
        DecoderSettings p = DecoderSettings.paper();
        assertEquals(100, p.epochs());
        assertEquals(0.01f, p.lr());
        assertEquals(0.5f, p.beta1());
        assertEquals(0.999f, p.beta2());
        assertTrue(p.amsgrad());
        assertEquals(128, p.batchSize());
        assertTrue(p.plateau());
        assertEquals(0.5f, p.plateauFactor());
        assertEquals(10, p.plateauPatience());
        assertEquals(SelectionRule.PRIVATE_TRAIN, p.selectionRule());
        assertEquals(List.of(0f, 1e-4f, 1e-3f, 1e-2f, 1e-1f), InversionSettings.tuned().tvWeights());
        assertEquals(200, DecoderAttack.adaptiveSettings().epochs());
    }
}
