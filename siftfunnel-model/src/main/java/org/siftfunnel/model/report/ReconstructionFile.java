package org.siftfunnel.model.report;

import java.io.IOException;
import java.nio.file.Path;

import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;

/**
 * One {@code recon/<defense>/<attack>.safetensors}: the attacked originals and their
 * reconstructions, float tensors [n, C, H, W] of the same shape (C = 1 or 3).
 */
record ReconstructionFile(ImageBatch original, ImageBatch reconstruction) {

    static ReconstructionFile read(Path file) throws IOException {
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (IOException e) {
            // SafeTensors names the file already; keep one "file: problem" prefix.
            String msg = String.valueOf(e.getMessage());
            String prefix = file + ": ";
            throw new ReportInputException(file, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg, e);
        }
        ImageBatch original = batch(file, contents, "original");
        ImageBatch reconstruction = batch(file, contents, "reconstruction");
        if (!original.sameShape(reconstruction)) {
            throw new ReportInputException(file, "tensor 'reconstruction' has shape " + reconstruction.shapeText()
                    + " but 'original' has " + original.shapeText());
        }
        return new ReconstructionFile(original, reconstruction);
    }

    private static ImageBatch batch(Path file, SafeTensors.Contents contents, String name) throws IOException {
        StoredTensor t = contents.tensors().get(name);
        if (t == null) {
            throw new ReportInputException(file, "no tensor named '" + name + "' (has " + contents.tensors().keySet() + ")");
        }
        int[] s = t.shape();
        if (s.length != 4 || s[0] < 1 || (s[1] != 1 && s[1] != 3) || s[2] < 1 || s[3] < 1) {
            throw new ReportInputException(file, "tensor '" + name + "' has shape " + java.util.Arrays.toString(s)
                    + ", expected [n, C, H, W] with C = 1 or 3");
        }
        if (!t.dtype().isFloating()) {
            throw new ReportInputException(file, "tensor '" + name + "' is " + t.dtype() + ", expected a floating type");
        }
        return new ImageBatch(s[0], s[1], s[2], s[3], t.toFloats());
    }
}
