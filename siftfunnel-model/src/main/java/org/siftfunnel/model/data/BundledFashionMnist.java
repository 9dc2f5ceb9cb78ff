package org.siftfunnel.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.Json;

/**
 * The default dataset, shipped inside the jar: a class-balanced subset of Fashion-MNIST
 * (Zalando SE, MIT licence) in three disjoint parts: 10,000 private training images and
 * 5,000 auxiliary images from the source train split, and 2,000 private test images from the
 * source t10k split. The files are gzipped IDX under {@value #RESOURCE_DIR} together with
 * {@code indices.json} (the source index of every image), {@code README.md} (the selection
 * procedure) and {@code LICENSE.txt}. {@link BundleBuilder} regenerates them.
 */
public final class BundledFashionMnist {
    /** Classpath folder of the bundle (also {@code siftfunnel-model/src/main/resources/} + this in the repository). */
    public static final String RESOURCE_DIR = "data/fashion-mnist-subset";
    public static final String INDEX_FILE = "indices.json";
    public static final int TRAIN_PER_CLASS = 1000;
    public static final int AUXILIARY_PER_CLASS = 500;
    public static final int TEST_PER_CLASS = 200;
    /** Seed of the selection (see {@link StratifiedSplit}); 624 is the seed of the paper's own split code. */
    public static final long SEED = 624;
    static final String NAME = "fashion-mnist-subset";
    private static final long MAX_RESOURCE_BYTES = 64L << 20;
    private static final Path REPO_DIR = Path.of("siftfunnel-model", "src", "main", "resources", RESOURCE_DIR);

    private BundledFashionMnist() {
    }

    /**
     * Loads the bundle from the classpath (the built jar or target/classes), falling back to
     * the source tree when run from the repository root without resources on the classpath.
     */
    public static DataSplits load() throws IOException {
        SourceFile indexFile = SourceFile.classpath(RESOURCE_DIR + "/" + INDEX_FILE, MAX_RESOURCE_BYTES);
        FileLookup lookup;
        String location;
        if (indexFile != null) {
            lookup = base -> SourceFile.classpath(RESOURCE_DIR + "/" + base + ".gz", MAX_RESOURCE_BYTES);
            location = "classpath:" + RESOURCE_DIR;
        } else if (Files.isRegularFile(REPO_DIR.resolve(INDEX_FILE))) {
            indexFile = SourceFile.of(REPO_DIR.resolve(INDEX_FILE));
            lookup = FileLookup.directory(REPO_DIR);
            location = REPO_DIR.toString();
        } else {
            throw new DataFileException("classpath:" + RESOURCE_DIR,
                    "the bundled Fashion-MNIST subset is missing (not on the classpath, not in " + REPO_DIR + ")");
        }
        DataSplits splits = IdxDirectory.load(lookup, location, NAME, ClassNames.FASHION_MNIST, LoadOptions.DEFAULT);
        return withSourceIndices(splits, indexFile);
    }

    /** Attaches the source indices recorded in indices.json, checking them against the labels' counts. */
    private static DataSplits withSourceIndices(DataSplits splits, SourceFile indexFile) throws IOException {
        byte[] bytes;
        String sha;
        try (HashedInput in = new HashedInput(indexFile)) {
            bytes = in.stream().readAllBytes();
            sha = in.finishHash();
        }
        Map<String, int[]> indices = readIndices(indexFile.name(), new String(bytes, StandardCharsets.UTF_8));
        String how = ", class-balanced, chosen with seed " + SEED + " (procedure and source indices: "
                + RESOURCE_DIR + "/README.md and " + INDEX_FILE + ")";
        return new DataSplits(
                attach(splits.train(), indices, "train", indexFile.name(), sha).withDescription(
                        "Fashion-MNIST subset, private training set: " + TRAIN_PER_CLASS * 10
                        + " images of the source train split" + how),
                attach(splits.test(), indices, "test", indexFile.name(), sha).withDescription(
                        "Fashion-MNIST subset, private test set: " + TEST_PER_CLASS * 10
                        + " images of the source t10k split" + how),
                attach(splits.auxiliary(), indices, "auxiliary", indexFile.name(), sha).withDescription(
                        "Fashion-MNIST subset, attacker's auxiliary set: " + AUXILIARY_PER_CLASS * 10
                        + " images of the source train split, disjoint from the private training set" + how));
    }

    private static Dataset attach(Dataset d, Map<String, int[]> indices, String split, String file, String sha)
            throws DataFileException {
        int[] idx = indices.get(split);
        if (idx == null || idx.length != d.size()) {
            throw new DataFileException(file, "lists " + (idx == null ? "no" : idx.length) + " indices for the " + split
                    + " split, which has " + d.size() + " images");
        }
        Map<String, String> hashes = new LinkedHashMap<>(d.sourceHashes());
        hashes.put(file, sha);
        return d.withSourceIndices(idx).withSourceHashes(hashes);
    }

    /** Parses indices.json: {"splits": {"train": {"indices": [...]}, ...}}. */
    static Map<String, int[]> readIndices(String file, String json) throws DataFileException {
        Map<String, int[]> out = new LinkedHashMap<>();
        try {
            Map<?, ?> root = (Map<?, ?>) Json.parse(json);
            Map<?, ?> splits = (Map<?, ?>) root.get("splits");
            for (String split : List.of("train", "test", "auxiliary")) {
                Map<?, ?> s = (Map<?, ?>) splits.get(split);
                List<?> list = (List<?>) s.get("indices");
                int[] idx = new int[list.size()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = ((Number) list.get(i)).intValue();
                }
                out.put(split, idx);
            }
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new DataFileException(file, "not a valid bundle index file (" + e.getMessage() + ")", e);
        }
        return out;
    }
}
