package org.siftfunnel.model.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siftfunnel.model.train.TrainSettings;

/** Parsing {@code --sweep DEFENSE.PARAMETER=V1,V2,...} and expanding it into named variants. */
class SweepTest {
    @Test
    void parsesANoiseSweepIntoOneNamedVariantPerValue() {
        Sweep sweep = Sweep.parse("noise.sigma=0.2,0.5,0.8,1.5");
        assertEquals("noise", sweep.defense());
        assertEquals("sigma", sweep.parameter());
        assertEquals("noise-sigma", sweep.setting());
        assertEquals(List.of(0.2, 0.5, 0.8, 1.5), sweep.values());
        assertEquals("noise.sigma=0.2,0.5,0.8,1.5", sweep.toString());

        TrainSettings base = TrainSettings.forProfile("demo").set("epochs", "3").set("seed", "7");
        List<Sweep.Variant> variants = sweep.variants(base);
        assertEquals(List.of("noise[sigma=0.2]", "noise[sigma=0.5]", "noise[sigma=0.8]", "noise[sigma=1.5]"),
                variants.stream().map(Sweep.Variant::name).toList());
        Sweep.Variant v = variants.get(1);
        assertEquals("noise", v.defense());
        assertEquals(Map.of("sigma", 0.5), v.overrides());
        assertEquals("noise", v.settings().defense);
        assertEquals(0.5, v.settings().noiseSigma);
        assertEquals(Map.of("sigma", 0.5), v.create().parameters());
        assertEquals("none", v.create().trainedModel());
        // Everything else is the base's, including which settings were given explicitly.
        assertEquals(3, v.settings().epochs);
        assertEquals(7, v.settings().seed);
        assertEquals("demo", v.settings().profile);
        assertEquals(base.trainLimit, v.settings().trainLimit);
        assertTrue(v.settings().isSet("epochs"));
        assertFalse(v.settings().isSet("lr"));
        assertEquals(-1, v.settings().weightDecay, "the automatic weight decay stays automatic");
        // The base is not modified.
        assertEquals("none", base.defense);
        assertEquals(0.8, base.noiseSigma);
    }

    @Test
    void severalSweepsFollowOneAnother() {
        List<Sweep> sweeps = Sweep.parseAll(List.of("noise.sigma=0.5", " nopeek.lambda = 1e3 , 0.5 ", "bido.lambda-x=0.1",
                "mid-head.k=64", "siftfunnel.beta=0.4", "bido.normalized=0"));
        List<Sweep.Variant> variants = Sweep.variants(sweeps, new TrainSettings());
        assertEquals(List.of("noise[sigma=0.5]", "nopeek[lambda=1000]", "nopeek[lambda=0.5]", "bido[lambda-x=0.1]", "mid-head[k=64]",
                "siftfunnel[beta=0.4]", "bido[normalized=0]"), variants.stream().map(Sweep.Variant::name).toList());
        assertEquals(1000.0, variants.get(1).create().parameters().get("lambda"));
        assertEquals(0.1, variants.get(3).settings().bidoLambdaX);
        assertEquals(0.5, variants.get(3).settings().bidoLambdaY, "other parameters keep the base value");
        assertEquals(64, variants.get(4).settings().midK);
        assertEquals(0.4, variants.get(5).settings().beta);
        assertFalse(variants.get(6).settings().bidoNormalized);
        assertEquals(0.0, variants.get(6).create().parameters().get("normalized"));
    }

    @Test
    void formatsValuesCanonically() {
        assertEquals("0.0001", Sweep.format(1e-4));
        assertEquals("1000", Sweep.format(1000.0));
        assertEquals("0", Sweep.format(-0.0));
        assertEquals("2.5", Sweep.format(2.50));
    }

    @Test
    void aVariantNameMayNotRepeatAcrossSweeps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sweep.variants(Sweep.parseAll(List.of("noise.sigma=0.5", "noise.sigma=0.50,1")), new TrainSettings()));
        assertTrue(e.getMessage().contains("noise[sigma=0.5]"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                      | DEFENSE.PARAMETER=V1",
        "noise.sigma             | no '='",
        "noise=0.5               | expected DEFENSE.PARAMETER",
        ".sigma=0.5              | expected DEFENSE.PARAMETER",
        "noise.=0.5              | expected DEFENSE.PARAMETER",
        "fog.sigma=0.5           | unknown defense 'fog'; known: none, noise, dropout",
        "noise.lambda=0.5        | defense 'noise' has no parameter 'lambda'; its parameters: sigma",
        "none.sigma=1            | it has none to sweep",
        "mid.k=8                 | defense 'mid' has no parameter 'k'; its parameters: beta",
        "noise.sigma=            | no values",
        "noise.sigma=0.2,,0.5    | empty value",
        "noise.sigma=0.2,abc     | 'abc' is not a number",
        "noise.sigma=NaN         | not a finite number",
        "noise.sigma=Infinity    | not a finite number",
        "noise.sigma=-0.5        | noise.sigma=-0.5: noise-sigma must be ≥ 0",
        "dropout.rate=1.2        | dropout.rate=1.2: dropout-rate must be in [0, 1)",
        "mid-head.k=0.5          | mid-k expects an integer",
        "bido.sigma=0            | bido-sigma must be positive",
        "noise.sigma=0.5,0.5     | value 0.5 is given twice",
        "bido.normalized=0.5     | bido-normalized expects true or false",
    })
    void rejectsBadInputsWithAClearMessage(String spec, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sweep.parse(spec));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
    }

    @Test
    void constructorChecksToo() {
        assertThrows(IllegalArgumentException.class, () -> new Sweep("noise", "sigma", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Sweep("noise", "rate", List.of(0.5)));
        assertThrows(IllegalArgumentException.class, () -> Sweep.parse(null));
    }
}
