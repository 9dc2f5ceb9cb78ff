package org.siftfunnel.model.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/** Small data files for the loader tests, written into a test's temporary folder. */
final class DataFixtures {
    private DataFixtures() {
    }

    /** Pixel value of image n at (y, x), deterministic and varied. */
    static int pixel(int n, int y, int x) {
        return (n * 37 + y * 11 + x * 3) % 256;
    }

    static byte[] images(int n, int h, int w) {
        byte[] data = new byte[n * h * w];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    data[(i * h + y) * w + x] = (byte) pixel(i, y, x);
                }
            }
        }
        return data;
    }

    static byte[] labels(int n, int classes) {
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            y[i] = (byte) (i % classes);
        }
        return y;
    }

    /** An MNIST-style folder: train (n each class round-robin) and t10k, raw or gzipped. */
    static Path idxDirectory(Path dir, int trainN, int testN, int side, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        String ext = gzip ? ".gz" : "";
        IdxFormat.write(dir.resolve("train-images-idx3-ubyte" + ext), new int[] {trainN, side, side}, images(trainN, side, side));
        IdxFormat.write(dir.resolve("train-labels-idx1-ubyte" + ext), new int[] {trainN}, labels(trainN, 10));
        IdxFormat.write(dir.resolve("t10k-images-idx3-ubyte" + ext), new int[] {testN, side, side}, images(testN, side, side));
        IdxFormat.write(dir.resolve("t10k-labels-idx1-ubyte" + ext), new int[] {testN}, labels(testN, 10));
        return dir;
    }

    /** A CIFAR-10 record stream: record r has label r % 10 and pixel (c, p) = (r + 5c + p) % 256. */
    static byte[] cifarRecords(int n, int firstRecord) {
        byte[] out = new byte[n * CifarBinary.RECORD];
        for (int i = 0; i < n; i++) {
            int r = firstRecord + i;
            out[i * CifarBinary.RECORD] = (byte) (r % 10);
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    out[i * CifarBinary.RECORD + 1 + c * 1024 + p] = (byte) ((r + 5 * c + p) % 256);
                }
            }
        }
        return out;
    }

    static Path cifarDirectory(Path dir, int perBatch, int testN) throws IOException {
        Files.createDirectories(dir);
        for (int b = 0; b < 5; b++) {
            Files.write(dir.resolve("data_batch_" + (b + 1) + ".bin"), cifarRecords(perBatch, b * perBatch));
        }
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(testN, 1000));
        return dir;
    }

    /** An NPZ archive (stored or deflated) of named NPY byte arrays. */
    static void npz(Path file, boolean deflate, Object... keysAndNpyBytes) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < keysAndNpyBytes.length; i += 2) {
                byte[] npy = (byte[]) keysAndNpyBytes[i + 1];
                ZipEntry e = new ZipEntry(keysAndNpyBytes[i] + ".npy");
                if (!deflate) {
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(npy.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(npy);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(npy);
                zip.closeEntry();
            }
        }
    }

    interface NpyWriter {
        void write(OutputStream out) throws IOException;
    }

    static byte[] npy(NpyWriter w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out);
        return out.toByteArray();
    }

    static byte[] uint8(int[] shape, byte[] data) throws IOException {
        return npy(o -> NpyFormat.writeUint8(o, shape, data));
    }

    static byte[] float32(int[] shape, float[] data) throws IOException {
        return npy(o -> NpyFormat.writeFloat32(o, shape, data));
    }

    static byte[] int64(long... values) throws IOException {
        return npy(o -> NpyFormat.writeInt64(o, new int[] {values.length}, values));
    }

    /** A PNG: grey (TYPE_BYTE_GRAY) or RGB, with pixels from {@link #pixel} (RGB: channel c adds 50·c). */
    static void png(Path file, int n, int h, int w, boolean grey) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = pixel(n, y, x);
                if (grey) {
                    img.getRaster().setSample(x, y, 0, v);
                } else {
                    img.setRGB(x, y, (v << 16) | (((v + 50) % 256) << 8) | ((v + 100) % 256));
                }
            }
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
