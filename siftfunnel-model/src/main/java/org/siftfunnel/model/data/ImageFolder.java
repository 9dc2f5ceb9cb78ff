package org.siftfunnel.model.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.siftfunnel.engine.random.RandomSource;

/**
 * A folder of images with one subfolder per class (PNG, JPEG, BMP or GIF, read with ImageIO).
 * Two layouts:
 * <ul>
 *   <li>{@code root/train/<class>/…}, {@code root/test/<class>/…} and optionally
 *       {@code root/auxiliary/<class>/…}: the splits as given;</li>
 *   <li>{@code root/<class>/…}: one pool, split seeded and class-stratified into test
 *       ({@link LoadOptions#testFraction()}, seed + 1) and training, then the auxiliary set
 *       is carved from training as for the other sources.</li>
 * </ul>
 * Classes are the subfolder names, sorted (as torchvision's ImageFolder). Hidden files and
 * files with other extensions are skipped. The first training image (in sorted order) sets
 * the image size; other sizes are resized to it bilinearly. The dataset is greyscale when
 * every image is greyscale, otherwise RGB (grey images replicated, alpha dropped).
 * Pixels are stored as bytes (resized images are rounded to the nearest 1/255).
 * The run metadata records one SHA-256 per split over (relative path, file SHA-256) pairs.
 */
final class ImageFolder {
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    /** Largest image file read (bytes) and largest side and pixel count accepted, checked before decoding. */
    static final long MAX_FILE_BYTES = 256L << 20;
    static final int MAX_SIDE = 8192;
    static final long MAX_PIXELS = 1L << 26;

    private ImageFolder() {
    }

    /** True if {@code dir} has a {@code train/} folder or at least one subfolder holding an image. */
    static boolean looksLikeImageFolder(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve("train"))) {
            return true;
        }
        for (Path sub : subfolders(dir)) {
            if (!imageFiles(sub).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    static DataSplits load(Path root, LoadOptions options) throws IOException {
        String name = root.getFileName() == null ? "images" : root.getFileName().toString();
        if (Files.isDirectory(root.resolve("train"))) {
            Path trainDir = root.resolve("train");
            Path testDir = root.resolve("test");
            if (!Files.isDirectory(testDir)) {
                throw new DataFileException(testDir.toString(), "folder not found; an image folder with train/ needs test/ too");
            }
            Path auxDir = root.resolve("auxiliary");
            boolean hasAux = Files.isDirectory(auxDir);
            List<String> classes = classNames(hasAux ? List.of(trainDir, testDir, auxDir) : List.of(trainDir, testDir));
            Decoded train = decode(trainDir, classes, 0, 0);
            Decoded test = decode(testDir, classes, train.height, train.width);
            Decoded aux = hasAux ? decode(auxDir, classes, train.height, train.width) : null;
            int channels = train.allGrey && test.allGrey && (aux == null || aux.allGrey) ? 1 : 3;
            Dataset trainSet = train.toDataset(name + ":train", channels, classes);
            Dataset testSet = test.toDataset(name + ":test", channels, classes)
                    .withDescription(name + " private test set: " + test.labels.length + " images of " + testDir);
            if (aux != null) {
                return new DataSplits(trainSet.withDescription(name + " private training set: " + train.labels.length
                        + " images of " + trainDir), testSet, aux.toDataset(name + ":auxiliary", channels, classes)
                        .withDescription(name + " attacker's auxiliary set: " + aux.labels.length + " images of " + auxDir));
            }
            Dataset[] parts = IdxDirectory.carveAuxiliary(trainSet, name, trainDir.toString(), options);
            return new DataSplits(parts[0], testSet, parts[1]);
        }
        List<String> classes = classNames(List.of(root));
        Decoded all = decode(root, classes, 0, 0);
        Dataset pool = all.toDataset(name, all.allGrey ? 1 : 3, classes);
        int[][] split = StratifiedSplit.carve(pool.labels(), classes.size(), options.testFraction(),
                new RandomSource(options.seed() + 1));
        String how = "class-stratified, " + Math.round(options.testFraction() * 100) + "% of each class, seed "
                + (options.seed() + 1);
        Dataset test = pool.subset(split[1], name + ":test", name + " private test set: " + split[1].length
                + " images held out of " + root + " (" + how + ")");
        Dataset rest = pool.subset(split[0], name + ":train", "");
        Dataset[] parts = IdxDirectory.carveAuxiliary(rest, name, root + " (after holding out the test set)", options);
        return new DataSplits(parts[0], test, parts[1]);
    }

    private static List<String> classNames(List<Path> splitDirs) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (Path d : splitDirs) {
            for (Path sub : subfolders(d)) {
                names.add(sub.getFileName().toString());
            }
        }
        if (names.isEmpty()) {
            throw new DataFileException(splitDirs.get(0).toString(), "no class subfolders (expected one folder of images per class)");
        }
        return List.copyOf(names);
    }

    private static List<Path> subfolders(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static List<Path> imageFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                int dot = n.lastIndexOf('.');
                if (!n.startsWith(".") && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT))
                        && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Decoded images of one split, RGB bytes at a common size, plus whether all were greyscale. */
    private static final class Decoded {
        final String dir;
        final int height;
        final int width;
        final List<byte[]> rgb = new ArrayList<>();
        int[] labels;
        boolean allGrey = true;
        String sha256;

        Decoded(String dir, int height, int width) {
            this.dir = dir;
            this.height = height;
            this.width = width;
        }

        Dataset toDataset(String name, int channels, List<String> classes) {
            int plane = height * width;
            byte[] pixels = new byte[Math.multiplyExact(rgb.size(), channels * plane)];
            for (int i = 0; i < rgb.size(); i++) {
                System.arraycopy(rgb.get(i), 0, pixels, i * channels * plane, channels * plane);
            }
            return Dataset.fromBytes(name, pixels, rgb.size(), channels, height, width, labels, classes)
                    .withSourceHashes(Map.of(dir + " (" + rgb.size() + " image files)", sha256));
        }
    }

    /** Decodes every image under {@code splitDir/<class>/}; size 0×0 means "take the first image's". */
    private static Decoded decode(Path splitDir, List<String> classes, int height, int width) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path sub : subfolders(splitDir)) {
            int label = classes.indexOf(sub.getFileName().toString());
            List<Path> images = imageFiles(sub);
            if (images.isEmpty()) {
                throw new DataFileException(sub.toString(), "class folder has no images (" + String.join(", ",
                        new TreeSet<>(EXTENSIONS)) + ")");
            }
            for (Path p : images) {
                files.add(p);
                labels.add(label);
            }
        }
        if (files.isEmpty()) {
            throw new DataFileException(splitDir.toString(), "no images found");
        }
        MessageDigest folderDigest = HashedInput.sha256();
        Decoded out = null;
        for (Path file : files) {
            byte[] bytes = readBounded(file);
            String fileSha = Sha256.of(bytes);
            folderDigest.update(splitDir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            folderDigest.update((byte) 0);
            folderDigest.update(HexFormat.of().parseHex(fileSha));
            Image img = decodeImage(file.toString(), bytes);
            if (out == null) {
                out = new Decoded(splitDir.toString(), height > 0 ? height : img.height, width > 0 ? width : img.width);
            }
            out.allGrey &= img.grey;
            out.rgb.add(img.toRgbBytes(out.height, out.width));
        }
        out.labels = labels.stream().mapToInt(Integer::intValue).toArray();
        out.sha256 = HexFormat.of().formatHex(folderDigest.digest());
        return out;
    }

    private static byte[] readBounded(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DataFileException(file.toString(), "image file of " + size + " bytes is over the limit of " + MAX_FILE_BYTES);
        }
        return Files.readAllBytes(file);
    }

    /** One decoded image: [3, h, w] floats in [0, 1] (grey replicated) and whether it was greyscale. */
    private record Image(int height, int width, float[] rgb, boolean grey) {
        byte[] toRgbBytes(int outH, int outW) {
            float[] src = outH == height && outW == width ? rgb : Resize.bilinear(rgb, 3, height, width, outH, outW);
            byte[] out = new byte[src.length];
            for (int i = 0; i < src.length; i++) {
                out[i] = (byte) Math.round(Math.min(1f, Math.max(0f, src[i])) * 255f);
            }
            return out;
        }
    }

    /**
     * Decodes an image, checking its declared size before the pixels are decoded, so a corrupt
     * header cannot demand gigabytes.
     */
    static Image decodeImage(String name, byte[] bytes) throws DataFileException {
        ImageIO.setUseCache(false);
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new DataFileException(name, "unreadable image: no decoder recognises its format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                    throw new DataFileException(name, "image size " + w + "×" + h + " is outside the accepted range (sides"
                            + " up to " + MAX_SIDE + ", at most " + MAX_PIXELS + " pixels)");
                }
                BufferedImage img = reader.read(0);
                return toImage(img);
            } finally {
                reader.dispose();
            }
        } catch (DataFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders report corrupt data through assorted runtime exceptions; all mean the same to a user.
            throw new DataFileException(name, "unreadable image: " + e, e);
        }
    }

    private static Image toImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        ColorModel cm = img.getColorModel();
        boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel);
        if (grey) {
            // Read the grey samples directly: getRGB would push them through a linear-to-sRGB
            // conversion and change their values.
            Raster raster = img.getRaster();
            float max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    rgb[y * w + x] = v;
                    rgb[plane + y * w + x] = v;
                    rgb[2 * plane + y * w + x] = v;
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    rgb[y * w + x] = ((argb >> 16) & 0xFF) / 255f;
                    rgb[plane + y * w + x] = ((argb >> 8) & 0xFF) / 255f;
                    rgb[2 * plane + y * w + x] = (argb & 0xFF) / 255f;
                }
            }
        }
        return new Image(h, w, rgb, grey);
    }
}
