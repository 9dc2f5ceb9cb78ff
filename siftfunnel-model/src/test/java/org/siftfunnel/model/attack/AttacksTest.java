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
