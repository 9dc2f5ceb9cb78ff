package org.siftfunnel.model.runtime.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.inference.ModelSpec;
import org.siftfunnel.model.runtime.bundle.ExportManifest;
import org.siftfunnel.model.runtime.bundle.Half;
import org.siftfunnel.model.runtime.bundle.ModelBundle;

/**
 * Writes a model's two halves and the manifest to a folder. Each half's file holds exactly its
 * stage's state dict with the model's (PyTorch) names; the files are written to temporary names
 * and moved into place, the manifest last, so an interrupted export never looks complete.
 */
public final class ModelExporter {
    private ModelExporter() {
    }

    /**
     * Exports {@code model} (built for {@code spec}) to {@code out}, which is created if needed
     * and must not already hold an export unless {@code overwrite}.
     *
     * @param normalization the input normalisation the model expects
     * @param classNames    class names in label order, or null
     * @param source        where the weights came from, recorded in the manifest (may be null)
     * @return the written export, opened
     * @throws IOException when the folder cannot be written, or holds an export and not {@code overwrite}
     */
    public static ModelBundle export(SplitModel model, ModelSpec spec, Normalization normalization, List<String> classNames,
                                     String source, Path out, boolean overwrite) throws IOException {
        if (normalization.channels() != spec.channels()) {
            throw new IllegalArgumentException("export: normalization has " + normalization.channels() + " channels, the model " + spec.channels());
        }
        Files.createDirectories(out);
        Path manifestFile = out.resolve(ExportManifest.FILE_NAME);
        if (Files.exists(manifestFile) && !overwrite) {
            throw new IOException(out + ": already holds an export (" + ExportManifest.FILE_NAME + "); choose another folder or overwrite it");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", ExportManifest.FORMAT);
        meta.put("arch", spec.arch());
        meta.put("defense", spec.defense());
        String edgeSha = writeHalf(out, Half.EDGE, model.edge().stateDict(), meta);
        String cloudSha = writeHalf(out, Half.CLOUD, model.cloud().stateDict(), meta);
        ExportManifest manifest = new ExportManifest(spec.arch(), spec.defense(), model.name(), spec.channels(), spec.imageSize(), spec.classes(),
                model.featureShape(), normalization, classNames, edgeSha, cloudSha, source);
        Path tmp = out.resolve(ExportManifest.FILE_NAME + ".tmp");
        Files.writeString(tmp, manifest.toJson());
        Files.move(tmp, manifestFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return ModelBundle.open(out);
    }

    private static String writeHalf(Path out, Half half, Map<String, Tensor> state, Map<String, String> meta) throws IOException {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put("half", half.label());
        Path tmp = out.resolve(half.fileName() + ".tmp");
        SafeTensors.writeTensors(tmp, state, m);
        Path file = out.resolve(half.fileName());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return HexFormat.of().formatHex(ModelBundle.sha256().digest(Files.readAllBytes(file)));
    }
}
