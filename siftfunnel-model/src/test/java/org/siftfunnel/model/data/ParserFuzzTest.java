package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.siftfunnel.engine.random.RandomSource;

/**
 * Every parser, fed truncations and random byte mutations of a valid file, either succeeds or
 * fails with an IOException / IllegalArgumentException whose message names the file; never
 * another exception, never a hang, never an OutOfMemoryError.
 */
class ParserFuzzTest {
    private static final int MUTANTS = 200;

    @TempDir
    Path tmp;

    @FunctionalInterface
    interface Parser {
        void parse(String name, byte[] bytes) throws Exception;
    }

    /**
     * Runs the parser on truncations and on seeded mutants of {@code valid}. With
     * {@code exactLength}, the format's sizes are all declared, so every truncation must fail.
     */
    private static void fuzz(String format, byte[] valid, boolean exactLength, Parser parser) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            check(format + " (valid)", valid, parser, true);
            int step = Math.max(1, valid.length / 200);
            int rejected = 0;
            int cuts = 0;
            for (int len = 0; len < valid.length; len += step) {
                cuts++;
                rejected += check(format + "-cut" + len, Arrays.copyOf(valid, len), parser, false) ? 0 : 1;
            }
            if (exactLength && rejected != cuts) {
                fail(format + ": only " + rejected + " of " + cuts + " truncated files were rejected");
            }
            RandomSource rng = new RandomSource(format.hashCode());
            for (int m = 0; m < MUTANTS; m++) {
                byte[] mutant = valid.clone();
                int edits = 1 + rng.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    // Half the edits hit the first 64 bytes, where the headers are.
                    int at = rng.nextInt(2) == 0 ? rng.nextInt(Math.min(64, mutant.length)) : rng.nextInt(mutant.length);
                    mutant[at] = (byte) rng.nextInt(256);
                }
                check(format + "-mutant" + m, mutant, parser, false);
            }
        }, format + ": a parser hung");
    }

    /** True if the parser accepted the bytes; fails the test on a wrong kind of error. */
    private static boolean check(String name, byte[] bytes, Parser parser, boolean mustSucceed) {
        try {
            parser.parse(name, bytes);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            if (mustSucceed) {
                fail(name + ": the valid file was rejected: " + e, e);
            }
            if (e.getMessage() == null || !e.getMessage().contains(name)) {
                fail(name + ": the error does not name the file: " + e, e);
            }
            return false;
        } catch (Throwable t) {
            return fail(name + ": unexpected " + t, t);
        }
    }

    @Test
    void idxRawAndGzipped() throws IOException {
        byte[] images = DataFixtures.images(4, 6, 6);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        IdxFormat.write(raw, new int[] {4, 6, 6}, images);
        fuzz("idx-raw", raw.toByteArray(), true, (n, b) -> IdxFormat.read(SourceFile.ofBytes(n, b), 3));
        Path gz = tmp.resolve("x.gz");
        IdxFormat.write(gz, new int[] {4, 6, 6}, images);
        fuzz("idx-gz", Files.readAllBytes(gz), true, (n, b) -> IdxFormat.read(SourceFile.ofBytes(n, b), 3));
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        IdxFormat.write(labels, new int[] {9}, DataFixtures.labels(9, 10));
        fuzz("idx-labels", labels.toByteArray(), true, (n, b) -> IdxFormat.read(SourceFile.ofBytes(n, b), 1));
    }

    @Test
    void cifarRecords() {
        fuzz("cifar", DataFixtures.cifarRecords(2, 0), true, (n, b) -> CifarBinary.read(SourceFile.ofBytes(n, b)));
    }

    @Test
    void npyArraysThroughTheImageRules() throws IOException {
        Parser parser = (n, b) -> {
            NpyFormat.NpyArray a = NpyFormat.read(n, new ByteArrayInputStream(b), b.length, b.length);
            int count = a.shape().length > 0 ? a.shape()[0] : 0;
            ImageArrays.toDataset(n, a, new int[count], ClassNames.numbered(1));
        };
        byte[] u8 = new byte[2 * 3 * 3 * 3];
        for (int i = 0; i < u8.length; i++) {
            u8[i] = (byte) (i * 9);
        }
        fuzz("npy-u8", DataFixtures.uint8(new int[] {2, 3, 3, 3}, u8), true, parser);
        float[] f = new float[2 * 1 * 3 * 3];
        for (int i = 0; i < f.length; i++) {
            f[i] = i / 20f;
        }
        fuzz("npy-f4", DataFixtures.float32(new int[] {2, 1, 3, 3}, f), true, parser);
        fuzz("npy-labels", DataFixtures.int64(1, 2, 3, 0), true, (n, b) -> ImageArrays.labels(
                NpyFormat.read(n, new ByteArrayInputStream(b), b.length, b.length)));
    }

    @Test
    void npzArchivesStoredAndDeflated() throws IOException {
        for (boolean deflate : new boolean[] {false, true}) {
            Path valid = tmp.resolve("valid-" + deflate + ".npz");
            DataFixtures.npz(valid, deflate,
                    "train_data", DataFixtures.uint8(new int[] {4, 3, 3}, new byte[36]), "train_labels", DataFixtures.int64(0, 1, 0, 1),
                    "test_data", DataFixtures.float32(new int[] {1, 3, 3}, new float[9]), "test_labels", DataFixtures.int64(1));
            String format = deflate ? "npz-deflated" : "npz-stored";
            fuzz(format, Files.readAllBytes(valid), true, (n, b) -> {
                Path p = tmp.resolve(n + ".npz");
                Files.write(p, b);
                try {
                    NpzSource.load(p, LoadOptions.DEFAULT);
                } finally {
                    Files.delete(p);
                }
            });
        }
    }

    @Test
    void pngAndJpegImages() throws IOException {
        for (String kind : new String[] {"png-grey", "png-rgb", "jpeg"}) {
            BufferedImage img = new BufferedImage(7, 5, kind.equals("png-grey") ? BufferedImage.TYPE_BYTE_GRAY
                    : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    img.setRGB(x, y, DataFixtures.pixel(y, x, 1) * 0x010203);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, kind.startsWith("png") ? "png" : "jpeg", out);
            fuzz(kind, out.toByteArray(), false, ImageFolder::decodeImage);
        }
    }
}
