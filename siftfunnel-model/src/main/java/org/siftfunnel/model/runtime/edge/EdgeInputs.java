package org.siftfunnel.model.runtime.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.inference.ImageInput;
import org.siftfunnel.model.runtime.bundle.ExportManifest;

/**
 * Edge inputs from files: image files (PNG, JPEG, BMP, GIF), folders of them (sorted by name,
 * not recursive), or a {@code .safetensors} file whose tensor {@code input} is an already
 * normalised batch [N, C, H, W]. Images are converted, resized and normalised as in training,
 * with the manifest's normalisation.
 */
public final class EdgeInputs {
    /** The tensor read from a safetensors file. */
    public static final String INPUT_TENSOR = "input";
    private static final List<String> IMAGE_EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    private EdgeInputs() {
    }

    /**
     * The inputs and a name for each (the file name, or {@code FILE#i} for a tensor's rows).
     *
     * @param images normalised [N, C, H, W]
     */
    public record Inputs(Tensor images, List<String> names) {
    }

    /**
     * Reads at most {@code limit} inputs from {@code paths}, in order.
     *
     * @throws IOException naming the file when it is missing, of an unknown type or unreadable
     * @throws IllegalArgumentException when a tensor's shape does not fit the model
     */
    public static Inputs read(List<Path> paths, ExportManifest m, Backend backend, int limit) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int per = m.channels() * m.imageSize() * m.imageSize();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> list = Files.list(p)) {
                    files = list.filter(f -> Files.isRegularFile(f) && IMAGE_EXTENSIONS.contains(extension(f))).sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new IOException(p + ": no images (." + String.join(", .", IMAGE_EXTENSIONS) + ") in this folder");
                }
                for (Path f : files) {
                    if (rows.size() >= limit) {
                        break;
                    }
                    rows.add(ImageInput.read(f, m.channels(), m.imageSize(), m.normalization(), backend).toArray());
                    names.add(f.getFileName().toString());
                }
            } else if (!Files.isRegularFile(p)) {
                throw new IOException(p + ": no such file or folder");
            } else if (extension(p).equals("safetensors")) {
                StoredTensor t = SafeTensors.read(p).require(INPUT_TENSOR);
                int[] s = t.shape();
                if (s.length != 4 || s[1] != m.channels() || s[2] != m.imageSize() || s[3] != m.imageSize()) {
                    throw new IllegalArgumentException(p + ": tensor '" + INPUT_TENSOR + "' has shape " + Arrays.toString(s)
                            + "; the model takes [N, " + m.channels() + ", " + m.imageSize() + ", " + m.imageSize() + "] (normalised)");
                }
                float[] all = t.toFloats();
                for (int i = 0; i < s[0] && rows.size() < limit; i++) {
                    rows.add(Arrays.copyOfRange(all, i * per, (i + 1) * per));
                    names.add(p.getFileName() + "#" + i);
                }
            } else if (IMAGE_EXTENSIONS.contains(extension(p))) {
                if (rows.size() < limit) {
                    rows.add(ImageInput.read(p, m.channels(), m.imageSize(), m.normalization(), backend).toArray());
                    names.add(p.getFileName().toString());
                }
            } else {
                throw new IOException(p + ": unknown input type; expected an image (." + String.join(", .", IMAGE_EXTENSIONS)
                        + "), a folder of images, or a .safetensors file with a tensor '" + INPUT_TENSOR + "'");
            }
        }
        if (rows.isEmpty()) {
            throw new IOException("no inputs in " + paths);
        }
        float[] data = new float[rows.size() * per];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, data, i * per, per);
        }
        return new Inputs(Tensor.of(backend, data, rows.size(), m.channels(), m.imageSize(), m.imageSize()), names);
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
