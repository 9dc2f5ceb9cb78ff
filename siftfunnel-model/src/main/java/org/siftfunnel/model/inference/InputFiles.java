package org.siftfunnel.model.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Normalization;

/**
 * Model input from a file: the tensor named {@value #INPUT_TENSOR} of a {@code .safetensors}
 * file (a batch [N, C, H, W], already normalised), or an image file, preprocessed by
 * {@link ImageInput} into a batch of one.
 */
public final class InputFiles {
    /** The name of the input batch in a safetensors file. */
    public static final String INPUT_TENSOR = "input";
    /** File extensions read as images. */
    public static final List<String> IMAGE_EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    private InputFiles() {
    }

    /**
     * Reads {@code file} as input for {@code spec}'s model.
     *
     * @param normalization applied to images only (a safetensors input is taken as normalised);
     *                      null means the paper's statistics for the model's channel count
     * @throws IOException naming the file when it is missing, unreadable or of an unknown type
     * @throws IllegalArgumentException when the input tensor's shape does not fit the model
     */
    public static Tensor read(Path file, ModelSpec spec, Normalization normalization, Backend backend) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such input file");
        }
        String ext = extension(file);
        if (ext.equals("safetensors")) {
            return readTensor(file, spec, backend);
        }
        if (IMAGE_EXTENSIONS.contains(ext)) {
            Normalization norm = normalization != null ? normalization : Normalization.paperDefault(spec.channels());
            return ImageInput.read(file, spec.channels(), spec.imageSize(), norm, backend);
        }
        throw new IOException(file + ": unknown input type; expected a .safetensors file with an '" + INPUT_TENSOR
                + "' tensor or an image (." + String.join(", .", IMAGE_EXTENSIONS) + ")");
    }

    /** The {@value #INPUT_TENSOR} tensor of a safetensors file, checked against the model's input shape. */
    static Tensor readTensor(Path file, ModelSpec spec, Backend backend) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file);
        StoredTensor t = contents.tensors().get(INPUT_TENSOR);
        if (t == null) {
            List<String> some = contents.tensors().keySet().stream().limit(8).toList();
            throw new IOException(file + ": no tensor named '" + INPUT_TENSOR + "' (the file has " + contents.tensors().size()
                    + (some.isEmpty() ? "" : ": " + String.join(", ", some) + (contents.tensors().size() > some.size() ? ", ..." : ""))
                    + ")");
        }
        int[] s = t.shape();
        int[] in = spec.inputShape();
        if (s.length != 4 || s[0] < 1 || s[1] != in[0] || s[2] != in[1] || s[3] != in[2]) {
            throw new IllegalArgumentException(file + ": tensor '" + INPUT_TENSOR + "' has shape " + Arrays.toString(s)
                    + " but " + spec.describe() + " expects [N, " + in[0] + ", " + in[1] + ", " + in[2]
                    + "] (N ≥ 1 images, already normalised)");
        }
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(file + ": tensor '" + INPUT_TENSOR + "' has integer type " + t.dtype()
                    + "; expected normalised floating-point values (F32)");
        }
        return t.toTensor(backend);
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
