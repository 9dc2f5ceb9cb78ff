package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzSourceTest {
    @TempDir
    Path tmp;

    private Path fixture(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void readsNumpyUint8ChannelsLastAndCarvesAuxiliary() throws IOException {
        Path f = fixture("numpy-uint8-nhwc.npz");
        DataSplits s = DataSources.load(f.toString());
        Dataset test = s.test();
        assertEquals(3, test.size());
        assertEquals(3, test.channels());
        assertEquals(4, test.height());
        assertEquals(5, test.width());
        assertArrayEquals(new int[] {2, 1, 0}, test.labels());
        // NHWC element (n, y, x, c) = (flat * 7) % 256, flat = ((n·4 + y)·5 + x)·3 + c; stored as NCHW.
        float[] img = new float[60];
        test.copyImage(1, img, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    int flat = ((4 + y) * 5 + x) * 3 + c;
                    assertEquals(((flat * 7) % 256) / 255f, img[(c * 4 + y) * 5 + x], 1e-7f, "c" + c + " y" + y + " x" + x);
                }
            }
        }
        assertEquals(3, s.train().size());
        assertEquals(3, s.auxiliary().size(), "one image of each of the three classes carved");
        assertEquals(Sha256.of(f), s.train().sourceHashes().get(f.toString()));
    }

    @Test
    void readsNumpyCompressedFloatChannelsFirstWithAuxiliary() throws IOException {
        DataSplits s = DataSources.load("npz:" + fixture("numpy-float32-nchw-compressed.npz"));
        assertEquals(4, s.train().size());
        assertEquals(1, s.channels());
        assertEquals(3, s.train().height());
        assertEquals(2, s.train().width());
        float[] img = new float[6];
        s.train().copyImage(2, img, 0);
        for (int i = 0; i < 6; i++) {
            assertEquals((float) ((12 + i) / 23.0), img[i], 1e-7f, "values ≤ 1 are taken as [0, 1]");
        }
        s.auxiliary().copyImage(1, img, 0);
        for (int i = 0; i < 6; i++) {
            assertEquals((6 + i) * 20 / 255f, img[i], 1e-7f, "values up to 255 are divided by 255");
        }
        assertArrayEquals(new int[] {1, 0}, s.test().labels());
        assertArrayEquals(new int[] {0, 1}, s.auxiliary().labels());
        assertTrue(s.auxiliary().description().contains("auxiliary_data"));
    }

    @Test
    void ownWriterRoundTripsFloatNchwAndUint8Nhwc() throws IOException {
        float[] x = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / (float) x.length;
        }
        Path f = tmp.resolve("own.npz");
        DataFixtures.npz(f, true,
                "train_data", DataFixtures.float32(new int[] {2, 3, 2, 2}, x), "train_labels", DataFixtures.int64(0, 1),
                "test_data", DataFixtures.float32(new int[] {2, 3, 2, 2}, x), "test_labels", DataFixtures.int64(1, 1),
                "auxiliary_data", DataFixtures.uint8(new int[] {1, 2, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
                "auxiliary_labels", DataFixtures.int64(0));
        DataSplits s = DataSources.load(f.toString());
        float[] img = new float[12];
        s.train().copyImage(1, img, 0);
        assertArrayEquals(Arrays.copyOfRange(x, 12, 24), img);
        s.auxiliary().copyImage(0, img, 0);
        // NHWC [1,2,2,3] value at (y, x, c) = (y·2 + x)·3 + c → NCHW.
        assertArrayEquals(new float[] {0, 3 / 255f, 6 / 255f, 9 / 255f, 1 / 255f, 4 / 255f, 7 / 255f, 10 / 255f,
            2 / 255f, 5 / 255f, 8 / 255f, 11 / 255f}, img, 1e-7f);
    }

    private DataFileException loadFails(Object... entries) throws IOException {
        Path f = Files.createTempFile(tmp, "bad", ".npz");
        DataFixtures.npz(f, false, entries);
        return assertThrows(DataFileException.class, () -> DataSources.load(f.toString()));
    }

    private static byte[] imgs(int n) throws IOException {
        return DataFixtures.uint8(new int[] {n, 2, 2}, new byte[n * 4]);
    }

    @Test
    void missingKeyNamesTheKeyAndWhatIsThere() throws IOException {
        DataFileException e = loadFails("train_data", imgs(2), "train_labels", DataFixtures.int64(0, 1), "test_data", imgs(1));
        assertTrue(e.getMessage().contains("missing array 'test_labels'") && e.getMessage().contains("train_data, train_labels"),
                e.getMessage());
        e = loadFails("train_data", imgs(2), "train_labels", DataFixtures.int64(0, 1), "test_data", imgs(1),
                "test_labels", DataFixtures.int64(0), "auxiliary_data", imgs(1));
        assertTrue(e.getMessage().contains("missing array 'auxiliary_labels'"), e.getMessage());
    }

    @Test
    void mismatchedCountsShapesAndValues() throws IOException {
        DataFileException e = loadFails("train_data", imgs(3), "train_labels", DataFixtures.int64(0, 1), "test_data", imgs(1),
                "test_labels", DataFixtures.int64(0));
        assertTrue(e.getMessage().contains("train_data.npy") && e.getMessage().contains("3 images")
                && e.getMessage().contains("2 entries"), e.getMessage());
        e = loadFails("train_data", imgs(2), "train_labels", DataFixtures.int64(0, 1),
                "test_data", DataFixtures.uint8(new int[] {1, 3, 3}, new byte[9]), "test_labels", DataFixtures.int64(0));
        assertTrue(e.getMessage().contains("test_data") && e.getMessage().contains("1×3×3"), e.getMessage());
        e = loadFails("train_data", DataFixtures.float32(new int[] {2, 2, 2}, new float[] {0, -0.5f, 1, 1, 0, 0, 0, 0}),
                "train_labels", DataFixtures.int64(0, 1), "test_data", imgs(1), "test_labels", DataFixtures.int64(0));
        assertTrue(e.getMessage().contains("negative values") && e.getMessage().contains("normalised"), e.getMessage());
        e = loadFails("train_data", DataFixtures.float32(new int[] {2, 2, 2}, new float[] {0, Float.NaN, 1, 1, 0, 0, 0, 0}),
                "train_labels", DataFixtures.int64(0, 1), "test_data", imgs(1), "test_labels", DataFixtures.int64(0));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = loadFails("train_data", imgs(2), "train_labels", DataFixtures.int64(0, -1), "test_data", imgs(1),
                "test_labels", DataFixtures.int64(0));
        assertTrue(e.getMessage().contains("train_labels.npy") && e.getMessage().contains("label 1 is -1"), e.getMessage());
        e = loadFails("train_data", DataFixtures.uint8(new int[] {2, 5, 6, 7}, new byte[420]), "train_labels",
                DataFixtures.int64(0, 1), "test_data", imgs(1), "test_labels", DataFixtures.int64(0));
        assertTrue(e.getMessage().contains("cannot find the channel axis"), e.getMessage());
    }

    private static String npyError(byte[] npy) {
        return assertThrows(DataFileException.class,
                () -> NpyFormat.read("a.npy", new ByteArrayInputStream(npy), npy.length, npy.length)).getMessage();
    }

    private static byte[] withHeader(String dict, int dataBytes) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + dataBytes];
        System.arraycopy(NpyFormat.MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[8] = (byte) h.length;
        out[9] = (byte) (h.length >>> 8);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }

    @Test
    void npyHeaderIsParsedStrictly() throws IOException {
        byte[] ok = DataFixtures.uint8(new int[] {2, 3}, new byte[6]);
        NpyFormat.NpyArray a = NpyFormat.read("a.npy", new ByteArrayInputStream(ok), ok.length, ok.length);
        assertArrayEquals(new int[] {2, 3}, a.shape());

        byte[] badMagic = ok.clone();
        badMagic[1] = 'X';
        assertTrue(npyError(badMagic).contains("\\x93NUMPY"));
        byte[] badVersion = ok.clone();
        badVersion[6] = 9;
        assertTrue(npyError(badVersion).contains("unsupported NPY version 9.0"));
        assertTrue(npyError(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n", 4))
                .contains("Fortran-order"));
        assertTrue(npyError(withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", 8))
                .contains("unsupported NPY dtype '<c8'"));
        assertTrue(npyError(withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (4), }\n", 4))
                .contains("with a comma"));
        assertTrue(npyError(withHeader("{'descr': '|u1', 'fortran_order': False}\n", 0)).contains("exactly the keys"));
        assertTrue(npyError(withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'x': 1}\n", 1))
                .contains("expected a string, a tuple"));
        assertTrue(npyError(withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), } junk\n", 2))
                .contains("unexpected text after"));
        assertTrue(npyError(withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (-2,), }\n", 2))
                .contains("non-negative integer"));
        String m = npyError(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", 8));
        assertTrue(m.startsWith("a.npy: truncated") && m.contains("needs 12 data bytes, the file has 8"), m);
        m = npyError(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }\n", 8));
        assertTrue(m.contains("more than") || m.contains("needs"), m);
    }

    @Test
    void readsBigEndianAndIntegerTypes() throws IOException {
        byte[] be = withHeader("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }\n", 4);
        be[be.length - 4] = 1; // 256
        be[be.length - 1] = 7; // 7
        NpyFormat.NpyArray a = NpyFormat.read("b.npy", new ByteArrayInputStream(be), be.length, be.length);
        assertEquals(256f, a.get(0));
        assertEquals(7f, a.get(1));
    }

    @Test
    void notAZipAndTruncatedArchive() throws IOException {
        Path notZip = tmp.resolve("x.npz");
        Files.writeString(notZip, "hello, not a zip");
        DataFileException e = assertThrows(DataFileException.class, () -> DataSources.load(notZip.toString()));
        assertTrue(e.getMessage().startsWith(notZip.toString()) && e.getMessage().contains("not a valid NPZ"), e.getMessage());
        Path good = fixture("numpy-uint8-nhwc.npz");
        byte[] all = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        e = assertThrows(DataFileException.class, () -> DataSources.load(cut.toString()));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
    }
}
