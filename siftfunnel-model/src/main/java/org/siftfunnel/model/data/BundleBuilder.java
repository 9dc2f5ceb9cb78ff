package org.siftfunnel.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.random.RandomSource;

/**
 * Regenerates the bundled Fashion-MNIST subset ({@link BundledFashionMnist}) from the full
 * dataset. A developer tool, not run by the build:
 *
 * <pre>
 * java -cp siftfunnel-model/target/classes:engine/target/classes \
 *     org.siftfunnel.model.data.BundleBuilder [source-dir] [output-dir]
 * </pre>
 *
 * The source defaults to {@code /usr/share/datasets/fashion-mnist} (Debian package
 * {@code dataset-fashion-mnist}), the output to the bundle's folder in the source tree.
 *
 * <p>Selection: one {@link RandomSource} seeded with {@link BundledFashionMnist#SEED} drives
 * {@link StratifiedSplit#take}, first over the source train split (per class: 1,000 private
 * training images, then 500 auxiliary images), then, continuing the same stream, over the
 * source t10k split (200 test images per class). Each part keeps the source order.
 */
public final class BundleBuilder {
    static final Path DEFAULT_SOURCE = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path DEFAULT_OUTPUT = Path.of("siftfunnel-model/src/main/resources", BundledFashionMnist.RESOURCE_DIR);
    static final Path DEBIAN_COPYRIGHT = Path.of("/usr/share/doc/dataset-fashion-mnist/copyright");

    private BundleBuilder() {
    }

    public static void main(String[] args) throws IOException {
        Path source = args.length > 0 ? Path.of(args[0]) : DEFAULT_SOURCE;
        Path output = args.length > 1 ? Path.of(args[1]) : DEFAULT_OUTPUT;
        build(source, output);
        System.out.println("wrote the bundle to " + output);
    }

    /** The selected source indices: {train, auxiliary} from the train split, {test} from t10k. */
    static int[][] select(int[] trainLabels, int[] testLabels) {
        RandomSource rng = new RandomSource(BundledFashionMnist.SEED);
        int[][] fromTrain = StratifiedSplit.take(trainLabels, 10, new int[] {BundledFashionMnist.TRAIN_PER_CLASS,
            BundledFashionMnist.AUXILIARY_PER_CLASS}, rng);
        int[][] fromTest = StratifiedSplit.take(testLabels, 10, new int[] {BundledFashionMnist.TEST_PER_CLASS}, rng);
        return new int[][] {fromTrain[0], fromTest[0], fromTrain[1]};
    }

    /** Reads the full dataset from {@code source} and writes the bundle into {@code output}. */
    static void build(Path source, Path output) throws IOException {
        FileLookup files = FileLookup.directory(source);
        Map<String, String> sourceHashes = new LinkedHashMap<>();
        IdxFormat.IdxArray trainX = read(files, source, "train-images-idx3-ubyte", 3, sourceHashes);
        IdxFormat.IdxArray trainY = read(files, source, "train-labels-idx1-ubyte", 1, sourceHashes);
        IdxFormat.IdxArray testX = read(files, source, "t10k-images-idx3-ubyte", 3, sourceHashes);
        IdxFormat.IdxArray testY = read(files, source, "t10k-labels-idx1-ubyte", 1, sourceHashes);
        int[][] chosen = select(toInts(trainY.data()), toInts(testY.data()));

        Files.createDirectories(output);
        Map<String, Object> splits = new LinkedHashMap<>();
        splits.put("train", writePart(output, "train", "train", chosen[0], trainX, trainY));
        splits.put("test", writePart(output, "t10k", "t10k", chosen[1], testX, testY));
        splits.put("auxiliary", writePart(output, "auxiliary", "train", chosen[2], trainX, trainY));

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("dataset", "Fashion-MNIST subset (Xiao, Rasul, Vollgraf 2017; Zalando SE; MIT licence)");
        root.put("source", "Debian package dataset-fashion-mnist, " + source);
        root.put("source_sha256", sourceHashes);
        root.put("seed", BundledFashionMnist.SEED);
        root.put("procedure", "One Philox RandomSource(seed) drives a class-stratified selection: for each class k = 0..9"
                + " of the source train split, list its indices ascending, Fisher-Yates shuffle them (i from n-1 down"
                + " to 1, swap i with nextInt(i+1)), take the first 1000 as the private training set and the next 500"
                + " as the auxiliary set; then, continuing the same stream, the same for the t10k split with 200 per"
                + " class as the private test set. Each part is stored in ascending source-index order.");
        root.put("splits", splits);
        Files.writeString(output.resolve(BundledFashionMnist.INDEX_FILE), Json.write(root) + "\n", StandardCharsets.UTF_8);

        if (Files.isRegularFile(DEBIAN_COPYRIGHT) && !Files.exists(output.resolve("LICENSE.txt"))) {
            Files.copy(DEBIAN_COPYRIGHT, output.resolve("LICENSE.txt"));
        }
    }

    private static IdxFormat.IdxArray read(FileLookup files, Path dir, String base, int rank, Map<String, String> hashes)
            throws IOException {
        SourceFile f = files.find(base);
        if (f == null) {
            throw new DataFileException(dir.resolve(base).toString(), "file not found (neither raw nor .gz)");
        }
        IdxFormat.IdxArray a = IdxFormat.read(f, rank);
        hashes.put(Path.of(f.name()).getFileName().toString(), a.sha256());
        return a;
    }

    private static Map<String, Object> writePart(Path output, String prefix, String sourceSplit, int[] indices,
            IdxFormat.IdxArray images, IdxFormat.IdxArray labels) throws IOException {
        int side = images.dims()[1] * images.dims()[2];
        byte[] x = new byte[indices.length * side];
        byte[] y = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images.data(), indices[i] * side, x, i * side, side);
            y[i] = labels.data()[indices[i]];
        }
        String imagesFile = prefix + "-images-idx3-ubyte.gz";
        String labelsFile = prefix + "-labels-idx1-ubyte.gz";
        IdxFormat.write(output.resolve(imagesFile), new int[] {indices.length, images.dims()[1], images.dims()[2]}, x);
        IdxFormat.write(output.resolve(labelsFile), new int[] {indices.length}, y);
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("source_split", sourceSplit);
        part.put("count", indices.length);
        part.put("images", imagesFile);
        part.put("labels", labelsFile);
        // Hash of the decompressed pixels, stable even if a different zlib recompresses the files.
        part.put("pixels_sha256", Sha256.of(x));
        List<Integer> list = new ArrayList<>(indices.length);
        for (int i : indices) {
            list.add(i);
        }
        part.put("indices", list);
        return part;
    }

    static int[] toInts(byte[] labels) {
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] & 0xFF;
        }
        return out;
    }
}
