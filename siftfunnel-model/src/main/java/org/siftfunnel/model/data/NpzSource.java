package org.siftfunnel.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's released data layout: one {@code .npz} holding {@code train_data},
 * {@code train_labels}, {@code test_data}, {@code test_labels} and, optionally,
 * {@code auxiliary_data} with {@code auxiliary_labels}. Image arrays may be uint8 or float,
 * channels-last or channels-first, 0..255 or [0, 1] ({@link ImageArrays} gives the exact
 * rule). Without an auxiliary pair the auxiliary set is carved out of the training split.
 */
final class NpzSource {
    private NpzSource() {
    }

    static DataSplits load(Path path, LoadOptions options) throws IOException {
        String sha = Sha256.of(path);
        try (NpzArchive npz = NpzArchive.open(path)) {
            boolean hasAux = npz.has("auxiliary_data") || npz.has("auxiliary_labels");
            int[] trainY = ImageArrays.labels(npz.read("train_labels"));
            int[] testY = ImageArrays.labels(npz.read("test_labels"));
            int[] auxY = hasAux ? ImageArrays.labels(npz.read("auxiliary_labels")) : new int[0];
            int classes = 1 + Math.max(max(trainY), Math.max(max(testY), max(auxY)));
            String file = path.getFileName().toString();
            String base = file.endsWith(".npz") ? file.substring(0, file.length() - 4) : file;
            List<String> names = classes == 10 && file.toLowerCase(Locale.ROOT).contains("cifar")
                    ? ClassNames.CIFAR10 : ClassNames.numbered(classes);
            Map<String, String> hashes = Map.of(npz.name(), sha);

            Dataset train = ImageArrays.toDataset(base + ":train", npz.read("train_data"), trainY, names)
                    .withSourceHashes(hashes);
            Dataset test = ImageArrays.toDataset(base + ":test", npz.read("test_data"), testY, names)
                    .withSourceHashes(hashes)
                    .withDescription(base + " private test set: array test_data of " + npz.name());
            checkSameShape(npz.name(), "test_data", train, test);
            Dataset aux;
            if (hasAux) {
                train = train.withDescription(base + " private training set: array train_data of " + npz.name());
                aux = ImageArrays.toDataset(base + ":auxiliary", npz.read("auxiliary_data"), auxY, names)
                        .withSourceHashes(hashes)
                        .withDescription(base + " attacker's auxiliary set: array auxiliary_data of " + npz.name()
                                + " (disjointness from train_data is the archive's promise)");
                checkSameShape(npz.name(), "auxiliary_data", train, aux);
            } else {
                Dataset[] parts = IdxDirectory.carveAuxiliary(train, base, npz.name(), options);
                train = parts[0];
                aux = parts[1];
            }
            return new DataSplits(train, test, aux);
        }
    }

    private static void checkSameShape(String file, String key, Dataset train, Dataset other) throws DataFileException {
        if (train.channels() != other.channels() || train.height() != other.height() || train.width() != other.width()) {
            throw new DataFileException(file + "[" + key + ".npy]", "images are " + other.channels() + "×"
                    + other.height() + "×" + other.width() + " but train_data images are " + train.channels() + "×"
                    + train.height() + "×" + train.width());
        }
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
