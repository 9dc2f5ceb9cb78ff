package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path tmp;

    @Test
    void splitLayoutWithGreyPngsKeepsExactValues() throws IOException {
        Path root = tmp.resolve("faces");
        for (int i = 0; i < 6; i++) {
            DataFixtures.png(root.resolve("train").resolve(i % 2 == 0 ? "cat" : "dog").resolve("img" + i + ".png"), i, 5, 4, true);
        }
        DataFixtures.png(root.resolve("test/cat/a.png"), 10, 5, 4, true);
        DataFixtures.png(root.resolve("test/dog/b.png"), 11, 5, 4, true);
        Files.writeString(root.resolve("train/cat/notes.txt"), "ignored");
        DataSplits s = DataSources.load(root.toString());
        assertEquals(List.of("cat", "dog"), s.train().classNames());
        assertEquals(1, s.channels(), "all images grey → one channel");
        assertEquals(2, s.test().size());
        assertEquals(6, s.train().size() + s.auxiliary().size());
        float[] img = new float[20];
        s.test().copyImage(1, img, 0);
        assertEquals(1, s.test().label(1));
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(DataFixtures.pixel(11, y, x) / 255f, img[y * 4 + x], 1e-7f, "grey samples read unconverted");
            }
        }
        assertEquals(1, s.test().sourceHashes().size());
    }

    @Test
    void classLayoutSplitsTestAndAuxiliaryAndMixesToRgb() throws IOException {
        Path root = tmp.resolve("pool");
        for (int i = 0; i < 20; i++) {
            DataFixtures.png(root.resolve("c" + (i % 2)).resolve(String.format("%02d.png", i)), i, 6, 6, i != 3);
        }
        // A differently sized image is resized to the first image's size.
        DataFixtures.png(root.resolve("c1/99.png"), 99, 12, 12, false);
        DataSplits s = DataSources.load("images:" + root);
        assertEquals(3, s.channels(), "one RGB image makes the set RGB");
        assertEquals(6, s.train().height());
        assertEquals(21, s.train().size() + s.test().size() + s.auxiliary().size());
        assertTrue(s.test().description().contains("held out"), s.test().description());
        assertTrue(s.auxiliary().description().contains("carved"), s.auxiliary().description());
        int[] counts = s.test().classCounts();
        assertArrayEquals(new int[] {2, 2}, counts, "20% of each class (10 and 11 images) held out");
        // RGB image 3 (c1/03.png: source index 11, after c0's ten files and c1/01.png) keeps its channels (v, v+50, v+100).
        Dataset all = s.train();
        float[] img = new float[3 * 36];
        int found = 0;
        for (Dataset d : List.of(s.train(), s.test(), s.auxiliary())) {
            int[] src = d.sourceIndices();
            for (int k = 0; k < d.size(); k++) {
                if (src[k] == 11) {
                    found++;
                    d.copyImage(k, img, 0);
                    int v = DataFixtures.pixel(3, 1, 2);
                    assertEquals(v / 255f, img[6 + 2], 1e-7f);
                    assertEquals(((v + 50) % 256) / 255f, img[36 + 6 + 2], 1e-7f);
                    assertEquals(((v + 100) % 256) / 255f, img[72 + 6 + 2], 1e-7f);
                }
            }
        }
        assertEquals(1, found);
        assertEquals(all.classNames(), List.of("c0", "c1"));
    }

    @Test
    void unreadableImageNamesTheFile() throws IOException {
        Path root = tmp.resolve("broken");
        DataFixtures.png(root.resolve("a/ok.png"), 0, 4, 4, true);
        DataFixtures.png(root.resolve("b/ok.png"), 1, 4, 4, true);
        Path bad = root.resolve("b/bad.png");
        Files.writeString(bad, "this is not a png");
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(root.toString()));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("unreadable image"), e.getMessage());

        byte[] png = Files.readAllBytes(root.resolve("a/ok.png"));
        Files.write(bad, java.util.Arrays.copyOf(png, png.length - 30));
        e = assertThrows(DataFileException.class, () -> DataSources.load(root.toString()));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("unreadable image"), e.getMessage());
    }

    @Test
    void hugeDeclaredImageSizeIsRejectedBeforeDecoding() throws IOException {
        Path root = tmp.resolve("huge");
        DataFixtures.png(root.resolve("a/ok.png"), 0, 4, 4, true);
        Path big = root.resolve("a/big.png");
        byte[] png = Files.readAllBytes(root.resolve("a/ok.png"));
        // IHDR width/height live at bytes 16..23; declare 100000 × 100000 (the CRC is left stale on purpose).
        byte[] lie = png.clone();
        int side = 100_000;
        for (int k = 0; k < 2; k++) {
            lie[16 + 4 * k] = (byte) (side >>> 24);
            lie[17 + 4 * k] = (byte) (side >>> 16);
            lie[18 + 4 * k] = (byte) (side >>> 8);
            lie[19 + 4 * k] = (byte) side;
        }
        Files.write(big, lie);
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(root.toString()));
        assertTrue(e.getMessage().startsWith(big.toString()), e.getMessage());
    }

    @Test
    void splitLayoutNeedsTestAndClassFoldersNeedImages() throws IOException {
        Path root = tmp.resolve("r");
        DataFixtures.png(root.resolve("train/a/x.png"), 0, 4, 4, true);
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(root.toString()));
        assertTrue(e.getMessage().contains("test") && e.getMessage().contains("folder not found"), e.getMessage());
        Files.createDirectories(root.resolve("test/a"));
        e = assertThrows(DataFileException.class, () -> DataSources.load(root.toString()));
        assertTrue(e.getMessage().contains("class folder has no images"), e.getMessage());
    }

    @Test
    void unknownPathsAndFormatsAreExplained() throws IOException {
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(tmp.resolve("nope").toString()));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("--data takes"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(DataFileException.class, () -> DataSources.load(empty.toString()));
        assertTrue(e.getMessage().contains("no dataset recognised"), e.getMessage());
        Path txt = Files.writeString(tmp.resolve("x.csv"), "a,b");
        e = assertThrows(DataFileException.class, () -> DataSources.load(txt.toString()));
        assertTrue(e.getMessage().contains("unsupported data file"), e.getMessage());
    }
}
