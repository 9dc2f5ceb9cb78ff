package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class DatasetTest {
    private static Dataset bytes() {
        byte[] px = new byte[4 * 2 * 1 * 2];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 16);
        }
        return Dataset.fromBytes("d", px, 4, 2, 1, 2, new int[] {0, 1, 1, 0}, List.of("a", "b"));
    }

    @Test
    void tensorsSubsetsAndMetadata() {
        Dataset d = bytes().withSourceIndices(new int[] {10, 11, 12, 13}).withSourceHashes(Map.of("f", "00"));
        Tensor x = d.images(Backends.reference());
        assertArrayEquals(new int[] {4, 2, 1, 2}, x.shape());
        assertEquals(4 * 16 / 255f, x.toArray()[4], 0f, "image 1 starts at byte 4");
        assertArrayEquals(new float[] {0, 1, 1, 0}, d.labelTensor(Backends.reference()).toArray());
        Dataset s = d.subset(new int[] {3, 1}, "s", "two of them");
        assertArrayEquals(new int[] {13, 11}, s.sourceIndices());
        assertArrayEquals(new int[] {0, 1}, s.labels());
        float[] img = new float[4];
        s.copyImage(0, img, 0);
        assertArrayEquals(new float[] {12 * 16 / 255f, 13 * 16 / 255f, 14 * 16 / 255f, 15 * 16 / 255f}, img, 0f);
        assertEquals(Map.of("f", "00"), s.sourceHashes());
        assertArrayEquals(new int[] {1, 1}, s.classCounts());
        Map<String, Object> m = s.metadata();
        assertEquals(2, m.get("count"));
        assertEquals(List.of(2, 1, 2), m.get("shape"));
    }

    @Test
    void validatesGeometryLabelsAndPixels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("d", new byte[7], 4, 2, 1, 1, new int[4], List.of("a")));
        assertTrue(e.getMessage().contains("7 pixel values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("d", new byte[4], 4, 1, 1, 1, new int[] {0, 0, 2, 0}, List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 2 of image 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromFloats("d", new float[] {0.5f, 1.5f}, 2, 1, 1, 1, new int[2], List.of("a")));
        assertTrue(e.getMessage().contains("pixel 1 is 1.5"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> bytes().copyImage(4, new float[4], 0));
        assertThrows(IllegalArgumentException.class, () -> bytes().subset(new int[] {5}, "x", ""));
    }

    @Test
    void stratifiedTakeGivesExactDisjointBalancedParts() {
        int[] labels = new int[300];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % 3;
        }
        int[][] parts = StratifiedSplit.take(labels, 3, new int[] {40, 20}, new RandomSource(1));
        assertEquals(120, parts[0].length);
        assertEquals(60, parts[1].length);
        Set<Integer> seen = new HashSet<>();
        for (int[] part : parts) {
            int[] counts = new int[3];
            for (int i : part) {
                assertTrue(seen.add(i), "index " + i + " in two parts");
                counts[labels[i]]++;
            }
            assertEquals(part.length / 3, counts[0]);
            assertEquals(counts[0], counts[1]);
            assertEquals(counts[1], counts[2]);
            int[] sorted = part.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, part);
        }
        assertArrayEquals(parts[0], StratifiedSplit.take(labels, 3, new int[] {40, 20}, new RandomSource(1))[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StratifiedSplit.take(labels, 3, new int[] {90, 20}, new RandomSource(1)));
        assertTrue(e.getMessage().contains("class 0 has 100 images"), e.getMessage());
    }

    @Test
    void carveKeepsEveryClassOnBothSides() {
        int[] labels = {0, 0, 0, 0, 0, 1, 1, 2};
        int[][] parts = StratifiedSplit.carve(labels, 3, 0.2, new RandomSource(4));
        assertEquals(8, parts[0].length + parts[1].length);
        // round(0.2·5) = 1 of class 0, at least one of class 1 (2 images), none of the single class-2 image.
        int[] carved = new int[3];
        for (int i : parts[1]) {
            carved[labels[i]]++;
        }
        assertArrayEquals(new int[] {1, 1, 0}, carved);
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.carve(labels, 3, 1.0, new RandomSource(4)));
    }

    @Test
    void preprocessingConvertsColourResizesAndNormalises() {
        float[] rgb = {0.2f, 0.4f, 0.6f, 0.8f, 0.1f, 0.3f};
        Dataset d = Dataset.fromFloats("rgb", rgb, 1, 3, 1, 2, new int[1], List.of("a"));
        Preprocessing.Pipeline grey = new Preprocessing(4, ColorMode.GREY, Normalization.GREY).pipeline(d);
        assertEquals(1, grey.channels());
        assertEquals(4, grey.height());
        float[] out = new float[16];
        grey.raw(0, out, 0);
        float l0 = 0.299f * 0.2f + 0.587f * 0.6f + 0.114f * 0.1f;
        float l1 = 0.299f * 0.4f + 0.587f * 0.8f + 0.114f * 0.3f;
        // Width 2 → 4: columns 0, 0.25, 0.75, 1 of the way from l0 to l1; every row the same.
        assertArrayEquals(new float[] {l0, 0.75f * l0 + 0.25f * l1, 0.25f * l0 + 0.75f * l1, l1},
                Arrays.copyOfRange(out, 12, 16), 1e-6f);
        float[] norm = new float[16];
        grey.normalize(out, 0, norm, 0);
        assertEquals((l1 - 0.5f) / 0.5f, norm[15], 1e-6f);

        Dataset g = Dataset.fromFloats("g", new float[] {0.25f, 0.75f}, 1, 1, 1, 2, new int[1], List.of("a"));
        Preprocessing.Pipeline toRgb = new Preprocessing(0, ColorMode.RGB, Normalization.RGB).pipeline(g);
        float[] three = new float[6];
        toRgb.raw(0, three, 0);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f}, three, 0f);
        assertThrows(IllegalArgumentException.class,
                () -> new Preprocessing(0, ColorMode.KEEP, Normalization.RGB).pipeline(g));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessing(-1, ColorMode.KEEP, Normalization.GREY));
    }
}
