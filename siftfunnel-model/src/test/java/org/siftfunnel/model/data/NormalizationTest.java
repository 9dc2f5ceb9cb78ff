package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.tensor.Tensor;

class NormalizationTest {
    @Test
    void paperStatistics() {
        assertEquals(Normalization.GREY, Normalization.paperDefault(1));
        assertArrayEquals(new float[] {0.4914f, 0.4822f, 0.4465f}, Normalization.paperDefault(3).mean());
        assertArrayEquals(new float[] {0.2023f, 0.1994f, 0.2010f}, Normalization.paperDefault(3).std());
        assertThrows(IllegalArgumentException.class, () -> Normalization.paperDefault(2));
    }

    @Test
    void appliesPerChannelAndInverts() {
        // Planes of two pixels: channel 0 = {0, 0.5}, channel 1 = {0.4822, 1}, channel 2 = {0.25, 1}.
        float[] x = {0f, 0.5f, 0.4822f, 1f, 0.25f, 1f};
        float[] y = new float[6];
        Normalization.RGB.apply(x, 0, y, 0, 2);
        assertEquals(-0.4914f / 0.2023f, y[0], 1e-6f);
        assertEquals((0.5f - 0.4914f) / 0.2023f, y[1], 1e-6f);
        assertEquals(0f, y[2], 0f);
        assertEquals((1f - 0.4822f) / 0.1994f, y[3], 1e-6f);
        assertEquals((0.25f - 0.4465f) / 0.2010f, y[4], 1e-6f);
        assertEquals((1f - 0.4465f) / 0.2010f, y[5], 1e-6f);
        float[] back = new float[6];
        Normalization.RGB.invert(y, 0, back, 0, 2);
        assertArrayEquals(x, back, 1e-6f);
        float[] g = {0f, 1f, 0.5f};
        Normalization.GREY.apply(g, 0, g, 0, 3);
        assertArrayEquals(new float[] {-1f, 1f, 0f}, g, 0f);
    }

    @Test
    void tensorFormMatchesHostFormAndIsDifferentiable() {
        float[] x = {0.1f, 0.9f, 0.3f, 0.7f, 0.2f, 0.8f, 0.4f, 0.6f, 0.5f, 0.5f, 0f, 1f};
        Tensor t = Tensor.of(Backends.reference(), x.clone(), 1, 3, 2, 2).requiresGrad(true);
        Tensor n = Normalization.RGB.apply(t);
        float[] host = new float[12];
        Normalization.RGB.apply(x, 0, host, 0, 4);
        assertArrayEquals(host, n.toArray(), 1e-6f);
        n.sum().backward();
        float[] grad = t.grad().toArray();
        assertEquals(1f / 0.2023f, grad[0], 1e-4f);
        assertEquals(1f / 0.2010f, grad[11], 1e-4f);
        assertArrayEquals(x, Normalization.RGB.invert(n).toArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Normalization.GREY.apply(Tensor.of(Backends.reference(),
                new float[12], 1, 3, 2, 2)));
    }

    @Test
    void jsonRoundTripWritesShortDecimals() {
        String text = Json.write(Normalization.RGB.toJson());
        assertEquals("{\"mean\":[0.4914,0.4822,0.4465],\"std\":[0.2023,0.1994,0.201]}", text);
        assertEquals(Normalization.RGB, Normalization.fromJson(Json.parse(text)));
        assertEquals(Normalization.GREY, Normalization.fromJson(Json.parse(Json.write(Normalization.GREY.toJson()))));
    }

    @Test
    void rejectsBadValues() {
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0.5f}, new float[] {0f}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0.5f, 0.5f}, new float[] {1f}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.fromJson(Map.of("mean", List.of(0.5))));
        assertTrue(e.getMessage().contains("'std'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.fromJson(Map.of("mean", List.of("x"), "std", List.of(1))));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
    }
}
