package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryTest {
    @TempDir
    Path tmp;

    @Test
    void loadsBatchesInChannelMajorOrderAndCarvesAuxiliary() throws IOException {
        Path dir = DataFixtures.cifarDirectory(tmp.resolve("cifar-10-batches-bin"), 10, 7);
        DataSplits s = DataSources.load(tmp.toString()); // finds the batches folder inside
        assertEquals(7, s.test().size());
        assertEquals(50, s.train().size() + s.auxiliary().size());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, s.auxiliary().classCounts());
        assertEquals(ClassNames.CIFAR10, s.train().classNames());
        assertEquals(3, s.channels());
        assertEquals(5, s.train().sourceHashes().size(), "five batch files hashed");
        // Test record 3 is record 1003 of the generator: label 3, pixel (c=2, p=40) = (1003 + 10 + 40) % 256.
        float[] img = new float[3 * 32 * 32];
        s.test().copyImage(3, img, 0);
        assertEquals(3, s.test().label(3));
        assertEquals(((1003 + 10 + 40) % 256) / 255f, img[2 * 1024 + 40], 1e-7f);
        // Training images keep their index in the concatenated batches.
        int k = 17;
        int src = s.train().sourceIndices()[k];
        s.train().copyImage(k, img, 0);
        assertEquals(((src + 5 + 99) % 256) / 255f, img[1024 + 99], 1e-7f);
        assertEquals(src % 10, s.train().label(k));
        assertTrue(Arrays.stream(s.auxiliary().sourceIndices()).noneMatch(
                i -> Arrays.stream(s.train().sourceIndices()).anyMatch(j -> j == i)));
        assertEquals(s.train().sourceHashes().keySet().iterator().next(), dir.resolve("data_batch_1.bin").toString());
    }

    @Test
    void partialRecordIsAnError() throws IOException {
        Path dir = DataFixtures.cifarDirectory(tmp.resolve("c"), 3, 3);
        byte[] b = Files.readAllBytes(dir.resolve("data_batch_2.bin"));
        Files.write(dir.resolve("data_batch_2.bin"), Arrays.copyOf(b, b.length - 100));
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load("cifar10:" + dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("data_batch_2.bin").toString())
                && e.getMessage().contains("not a whole number of 3,073-byte records"), e.getMessage());
    }

    @Test
    void badLabelEmptyAndMissingFiles() throws IOException {
        Path dir = DataFixtures.cifarDirectory(tmp.resolve("c"), 3, 3);
        byte[] b = Files.readAllBytes(dir.resolve("test_batch.bin"));
        b[CifarBinary.RECORD] = 42;
        Files.write(dir.resolve("test_batch.bin"), b);
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(dir.toString()));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("record 1 has label 42"), e.getMessage());

        Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        e = assertThrows(DataFileException.class, () -> DataSources.load(dir.toString()));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());

        Files.delete(dir.resolve("data_batch_4.bin"));
        e = assertThrows(DataFileException.class, () -> DataSources.load(dir.toString()));
        assertTrue(e.getMessage().contains("data_batch_4.bin") && e.getMessage().contains("not found"), e.getMessage());
    }
}
