package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.siftfunnel.engine.io.Json;

class BundledFashionMnistTest {
    private static DataSplits bundled;

    @BeforeAll
    static void load() throws IOException {
        bundled = DataSources.load(DataSources.BUNDLED);
    }

    @Test
    void loadsFromTheClasspathWithTheDocumentedCounts() {
        assertEquals(10_000, bundled.train().size());
        assertEquals(2_000, bundled.test().size());
        assertEquals(5_000, bundled.auxiliary().size());
        assertEquals(ClassNames.FASHION_MNIST, bundled.train().classNames());
        assertEquals(1, bundled.channels());
        assertEquals(28, bundled.train().height());
        assertTrue(bundled.train().sourceHashes().keySet().stream().allMatch(k -> k.startsWith("classpath:")),
                bundled.train().sourceHashes().toString());
        assertEquals(3, bundled.train().sourceHashes().size(), "images, labels and indices.json");
    }

    @Test
    void everyPartIsClassBalanced() {
        int[] ten = new int[10];
        Arrays.fill(ten, 1000);
        assertArrayEquals(ten, bundled.train().classCounts());
        Arrays.fill(ten, 200);
        assertArrayEquals(ten, bundled.test().classCounts());
        Arrays.fill(ten, 500);
        assertArrayEquals(ten, bundled.auxiliary().classCounts());
    }

    @Test
    void trainingAndAuxiliaryAreDisjointBySourceIndex() {
        int[] train = bundled.train().sourceIndices();
        int[] aux = bundled.auxiliary().sourceIndices();
        Set<Integer> seen = new HashSet<>();
        for (int i : train) {
            assertTrue(seen.add(i), "duplicate training index " + i);
        }
        for (int i : aux) {
            assertTrue(seen.add(i), "auxiliary index " + i + " repeats or is also a training index");
            assertTrue(i >= 0 && i < 60_000);
        }
        for (int[] part : new int[][] {train, aux, bundled.test().sourceIndices()}) {
            for (int k = 1; k < part.length; k++) {
                assertTrue(part[k] > part[k - 1], "indices are stored in ascending source order");
            }
        }
        assertTrue(Arrays.stream(bundled.test().sourceIndices()).allMatch(i -> i >= 0 && i < 10_000));
    }

    @Test
    void pixelsAreRawAndVaried() {
        float[] img = new float[784];
        bundled.test().copyImage(0, img, 0);
        float min = 1;
        float max = 0;
        for (float v : img) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min, "Fashion-MNIST backgrounds are black");
        assertTrue(max > 0.5f && max <= 1f, "max " + max);
    }

    /** With the Debian package installed, the selection is recomputed and checked against the source files. */
    @Test
    void selectionIsReproducibleFromTheSource() throws IOException {
        Path source = BundleBuilder.DEFAULT_SOURCE;
        assumeTrue(Files.isRegularFile(source.resolve("train-labels-idx1-ubyte.gz")), "Debian dataset-fashion-mnist not installed");
        IdxFormat.IdxArray trainY = IdxFormat.read(SourceFile.of(source.resolve("train-labels-idx1-ubyte.gz")), 1);
        IdxFormat.IdxArray testY = IdxFormat.read(SourceFile.of(source.resolve("t10k-labels-idx1-ubyte.gz")), 1);
        int[][] chosen = BundleBuilder.select(BundleBuilder.toInts(trainY.data()), BundleBuilder.toInts(testY.data()));
        assertArrayEquals(chosen[0], bundled.train().sourceIndices());
        assertArrayEquals(chosen[1], bundled.test().sourceIndices());
        assertArrayEquals(chosen[2], bundled.auxiliary().sourceIndices());

        IdxFormat.IdxArray testX = IdxFormat.read(SourceFile.of(source.resolve("t10k-images-idx3-ubyte.gz")), 3);
        float[] img = new float[784];
        for (int k : new int[] {0, 777, 1999}) {
            bundled.test().copyImage(k, img, 0);
            int src = bundled.test().sourceIndices()[k];
            for (int p = 0; p < 784; p++) {
                assertEquals((testX.data()[src * 784 + p] & 0xFF) / 255f, img[p], 0f);
            }
            assertEquals(testY.data()[src], bundled.test().label(k));
        }
        // The pixel hashes recorded in indices.json match the source images at the listed indices.
        IdxFormat.IdxArray trainX = IdxFormat.read(SourceFile.of(source.resolve("train-images-idx3-ubyte.gz")), 3);
        Map<?, ?> splits;
        try (var in = getClass().getClassLoader().getResourceAsStream(BundledFashionMnist.RESOURCE_DIR + "/indices.json")) {
            splits = (Map<?, ?>) ((Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8))).get("splits");
        }
        String[] names = {"train", "test", "auxiliary"};
        IdxFormat.IdxArray[] sources = {trainX, testX, trainX};
        for (int part = 0; part < 3; part++) {
            byte[] pixels = new byte[chosen[part].length * 784];
            for (int i = 0; i < chosen[part].length; i++) {
                System.arraycopy(sources[part].data(), chosen[part][i] * 784, pixels, i * 784, 784);
            }
            assertEquals(((Map<?, ?>) splits.get(names[part])).get("pixels_sha256"), Sha256.of(pixels), names[part]);
        }
    }
}
