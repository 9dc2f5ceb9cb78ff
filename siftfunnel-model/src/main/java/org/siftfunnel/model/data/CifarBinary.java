package org.siftfunnel.model.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CIFAR-10 binary version: {@code data_batch_1.bin} … {@code data_batch_5.bin} (training)
 * and {@code test_batch.bin}, each a sequence of 3,073-byte records: one label byte (0–9),
 * then 1,024 red, 1,024 green and 1,024 blue bytes of a 32×32 image in row-major order,
 * which is already the [C, H, W] layout. CIFAR-10 has no auxiliary split; one is carved
 * out of the training batches.
 */
final class CifarBinary {
    static final int SIDE = 32;
    static final int PIXELS = 3 * SIDE * SIDE;
    static final int RECORD = 1 + PIXELS;
    static final String[] TRAIN_FILES = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
        "data_batch_5.bin"};
    static final String TEST_FILE = "test_batch.bin";
    /** Largest batch file accepted (the real ones are 30,730,000 bytes). */
    static final long MAX_FILE_BYTES = 1L << 30;

    private CifarBinary() {
    }

    /** The folder holding the batches: {@code dir} or its {@code cifar-10-batches-bin/}; null if neither. */
    static Path locate(Path dir) {
        for (Path candidate : new Path[] {dir, dir.resolve("cifar-10-batches-bin")}) {
            if (Files.isRegularFile(candidate.resolve(TRAIN_FILES[0])) || Files.isRegularFile(candidate.resolve(TEST_FILE))) {
                return candidate;
            }
        }
        return null;
    }

    static DataSplits load(Path dir, LoadOptions options) throws IOException {
        Map<String, String> trainHashes = new LinkedHashMap<>();
        Batch[] batches = new Batch[TRAIN_FILES.length];
        long total = 0;
        for (int i = 0; i < TRAIN_FILES.length; i++) {
            batches[i] = read(required(dir, TRAIN_FILES[i]));
            trainHashes.put(batches[i].file, batches[i].sha256);
            total += batches[i].labels.length;
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new DataFileException(dir.toString(), "the training batches hold " + total + " images, too many for one array");
        }
        byte[] pixels = new byte[(int) total * PIXELS];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Batch b : batches) {
            System.arraycopy(b.pixels, 0, pixels, at * PIXELS, b.pixels.length);
            System.arraycopy(b.labels, 0, labels, at, b.labels.length);
            at += b.labels.length;
        }
        Batch test = read(required(dir, TEST_FILE));
        Dataset full = Dataset.fromBytes("cifar10:train", pixels, labels.length, 3, SIDE, SIDE, labels, ClassNames.CIFAR10)
                .withSourceHashes(trainHashes);
        Dataset testSet = Dataset.fromBytes("cifar10:test", test.pixels, test.labels.length, 3, SIDE, SIDE, test.labels,
                ClassNames.CIFAR10)
                .withSourceHashes(Map.of(test.file, test.sha256))
                .withDescription("cifar10 private test set: " + test.labels.length + " images of " + test.file);
        Dataset[] parts = IdxDirectory.carveAuxiliary(full, "cifar10", dir.toString(), options);
        return new DataSplits(parts[0], testSet, parts[1]);
    }

    private static SourceFile required(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new DataFileException(p.toString(), "file not found; a CIFAR-10 binary folder needs data_batch_1.bin to "
                    + "data_batch_5.bin and test_batch.bin");
        }
        return SourceFile.of(p);
    }

    private record Batch(String file, int[] labels, byte[] pixels, String sha256) {
    }

    /** Reads one batch file; its length must be a whole, positive number of records. */
    static Batch read(SourceFile file) throws IOException {
        String name = file.name();
        long length = file.length();
        if (length == 0) {
            throw new DataFileException(name, "empty file; expected 3,073-byte CIFAR-10 records");
        }
        if (length > MAX_FILE_BYTES) {
            throw new DataFileException(name, length + " bytes is over the limit of " + MAX_FILE_BYTES + " for a batch file");
        }
        if (length % RECORD != 0) {
            throw new DataFileException(name, "length " + length + " is not a whole number of 3,073-byte records (1 label"
                    + " byte + 3×32×32 pixels): " + (length / RECORD) + " records and " + (length % RECORD)
                    + " extra bytes (truncated or not a CIFAR-10 binary file?)");
        }
        int n = (int) (length / RECORD);
        int[] labels = new int[n];
        byte[] pixels = new byte[n * PIXELS];
        try (HashedInput hashed = new HashedInput(file)) {
            InputStream in = hashed.stream();
            for (int i = 0; i < n; i++) {
                int label = in.read();
                if (label < 0) {
                    throw new DataFileException(name, "truncated: ends before record " + i + " of " + n);
                }
                if (label > 9) {
                    throw new DataFileException(name, "record " + i + " has label " + label
                            + "; CIFAR-10 labels are 0–9 (a CIFAR-100 file, whose records have two label bytes?)");
                }
                labels[i] = label;
                int got = in.readNBytes(pixels, i * PIXELS, PIXELS);
                if (got < PIXELS) {
                    throw new DataFileException(name, "truncated: record " + i + " has " + got + " of " + PIXELS + " pixel bytes");
                }
            }
            return new Batch(name, labels, pixels, hashed.finishHash());
        }
    }
}
