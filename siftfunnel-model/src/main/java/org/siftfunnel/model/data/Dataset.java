package org.siftfunnel.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * An immutable set of labelled images: pixels as raw values in [0, 1] (not normalised),
 * laid out [N, C, H, W], integer class labels, and the provenance a run records: a name,
 * a description of how the set was made, class names, the index of every image in its
 * source file, and the SHA-256 of every file read.
 */
public final class Dataset implements ImageSource {
    private final String name;
    private final String description;
    private final List<String> classNames;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final PixelStore pixels;
    private final int[] labels;
    private final int[] sourceIndices;
    private final Map<String, String> sourceHashes;

    private Dataset(String name, String description, List<String> classNames, int count, int channels, int height,
            int width, PixelStore pixels, int[] labels, int[] sourceIndices, Map<String, String> sourceHashes) {
        this.name = name;
        this.description = description;
        this.classNames = classNames;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        this.sourceIndices = sourceIndices;
        this.sourceHashes = sourceHashes;
    }

    /**
     * A dataset over 8-bit pixels [count, channels, height, width] (value b stands for b/255).
     * The arrays are taken over, not copied; source indices default to 0..count−1.
     *
     * @throws IllegalArgumentException if the sizes disagree or a label is outside the classes
     */
    public static Dataset fromBytes(String name, byte[] pixels, int count, int channels, int height, int width,
            int[] labels, List<String> classNames) {
        checkGeometry(name, pixels.length, count, channels, height, width);
        return create(name, new PixelStore.Bytes(pixels), count, channels, height, width, labels, classNames);
    }

    /**
     * A dataset over float pixels in [0, 1] [count, channels, height, width]. The arrays are
     * taken over, not copied.
     *
     * @throws IllegalArgumentException if sizes disagree, a label is outside the classes, or
     *     a pixel is not a finite value in [0, 1]
     */
    public static Dataset fromFloats(String name, float[] pixels, int count, int channels, int height, int width,
            int[] labels, List<String> classNames) {
        checkGeometry(name, pixels.length, count, channels, height, width);
        for (int i = 0; i < pixels.length; i++) {
            float v = pixels[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("dataset '" + name + "': pixel " + i + " is " + v
                        + "; raw pixels must be finite values in [0, 1]");
            }
        }
        return create(name, new PixelStore.Floats(pixels), count, channels, height, width, labels, classNames);
    }

    private static void checkGeometry(String name, long length, int count, int channels, int height, int width) {
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("dataset '" + name + "': invalid geometry count=" + count + ", channels="
                    + channels + ", height=" + height + ", width=" + width);
        }
        long expected = (long) count * channels * height * width;
        if (length != expected) {
            throw new IllegalArgumentException("dataset '" + name + "': " + length + " pixel values do not fill ["
                    + count + ", " + channels + ", " + height + ", " + width + "] (" + expected + " values)");
        }
    }

    private static Dataset create(String name, PixelStore store, int count, int channels, int height, int width,
            int[] labels, List<String> classNames) {
        if (labels.length != count) {
            throw new IllegalArgumentException("dataset '" + name + "': " + labels.length + " labels for " + count + " images");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + name + "': needs at least one class name");
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("dataset '" + name + "': label " + labels[i] + " of image " + i
                        + " is outside the " + classNames.size() + " classes");
            }
        }
        int[] identity = new int[count];
        Arrays.setAll(identity, i -> i);
        return new Dataset(name, "", List.copyOf(classNames), count, channels, height, width, store, labels, identity,
                Collections.emptyMap());
    }

    /** The same images under another name. */
    public Dataset withName(String newName) {
        return new Dataset(newName, description, classNames, count, channels, height, width, pixels, labels,
                sourceIndices, sourceHashes);
    }

    /** The same images with a description of where they come from and how they were chosen. */
    public Dataset withDescription(String newDescription) {
        return new Dataset(name, newDescription, classNames, count, channels, height, width, pixels, labels,
                sourceIndices, sourceHashes);
    }

    /** The same images with the SHA-256 (hex) of each file they were read from, by file name. */
    public Dataset withSourceHashes(Map<String, String> hashes) {
        return new Dataset(name, description, classNames, count, channels, height, width, pixels, labels,
                sourceIndices, Collections.unmodifiableMap(new LinkedHashMap<>(hashes)));
    }

    /** The same images with the index each one has in its source file (one per image). */
    public Dataset withSourceIndices(int[] indices) {
        if (indices.length != count) {
            throw new IllegalArgumentException("dataset '" + name + "': " + indices.length + " source indices for "
                    + count + " images");
        }
        return new Dataset(name, description, classNames, count, channels, height, width, pixels, labels,
                indices.clone(), sourceHashes);
    }

    /**
     * The images at {@code indices} (into this dataset), in that order, with their source
     * indices and file hashes carried over.
     */
    public Dataset subset(int[] indices, String subsetName, String subsetDescription) {
        int[] newLabels = new int[indices.length];
        int[] newSources = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < 0 || k >= count) {
                throw new IllegalArgumentException("dataset '" + name + "': subset index " + k + " outside [0, " + count + ")");
            }
            newLabels[i] = labels[k];
            newSources[i] = sourceIndices[k];
        }
        return new Dataset(subsetName, subsetDescription, classNames, indices.length, channels, height, width,
                pixels.gather(indices, imageSize()), newLabels, newSources, sourceHashes);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    /** C·H·W, the number of values per image. */
    public int imageSize() {
        return channels * height * width;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** A copy of the labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** A copy of each image's index in its source file (e.g. in the original 60,000-image train split). */
    public int[] sourceIndices() {
        return sourceIndices.clone();
    }

    /** SHA-256 (hex) of every file read to make this dataset, by file name. */
    public Map<String, String> sourceHashes() {
        return sourceHashes;
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    @Override
    public void copyImage(int index, float[] dst, int offset) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("dataset '" + name + "': image " + index + " outside [0, " + count + ")");
        }
        pixels.copy(index, imageSize(), dst, offset);
    }

    /** All images as a raw [N, C, H, W] tensor in [0, 1]. */
    public Tensor images(Backend backend) {
        int[] all = new int[count];
        Arrays.setAll(all, i -> i);
        return images(backend, all);
    }

    /** The images at {@code indices} as a raw [n, C, H, W] tensor in [0, 1]. */
    public Tensor images(Backend backend, int[] indices) {
        int size = imageSize();
        float[] data = new float[Math.multiplyExact(indices.length, size)];
        for (int i = 0; i < indices.length; i++) {
            copyImage(indices[i], data, i * size);
        }
        return Tensor.of(backend, data, indices.length, channels, height, width);
    }

    /** All labels as a float tensor [N] of class indices (the engine's index convention). */
    public Tensor labelTensor(Backend backend) {
        float[] y = new float[count];
        for (int i = 0; i < count; i++) {
            y[i] = labels[i];
        }
        return Tensor.of(backend, y, count);
    }

    /** What a run records about this dataset (JSON-ready: strings, numbers, lists, maps). */
    public Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("description", description);
        m.put("count", count);
        m.put("shape", List.of(channels, height, width));
        m.put("classes", classNames);
        List<Integer> counts = new ArrayList<>();
        for (int c : classCounts()) {
            counts.add(c);
        }
        m.put("class_counts", counts);
        m.put("source_sha256", sourceHashes);
        return m;
    }

    @Override
    public String toString() {
        return name + " (" + count + " images, " + channels + "×" + height + "×" + width + ", " + classNames.size()
                + " classes)";
    }
}
