package org.siftfunnel.model.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;

/**
 * An export folder, opened: its manifest, the model id (SHA-256 of the manifest's bytes) and
 * the loading of either half after checking the half's file against the manifest's hash. A
 * folder on an edge device may hold only the manifest and {@code edge.safetensors}.
 */
public final class ModelBundle {
    /** Seed of the placeholder weights of the half that is not loaded (never used for a result). */
    private static final long PLACEHOLDER_SEED = 1;
    /** A manifest is a few kilobytes; anything far larger is not one. */
    private static final long MAX_MANIFEST_BYTES = 1 << 20;

    private final Path dir;
    private final ExportManifest manifest;
    private final byte[] modelId;

    private ModelBundle(Path dir, ExportManifest manifest, byte[] modelId) {
        this.dir = dir;
        this.manifest = manifest;
        this.modelId = modelId;
    }

    /**
     * Reads {@code dir/manifest.json}.
     *
     * @throws IOException naming the folder or file when it is missing or unreadable
     * @throws IllegalArgumentException naming the file and key when the manifest is malformed
     */
    public static ModelBundle open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such export folder (create one with ./siftfunnel export)");
        }
        Path file = dir.resolve(ExportManifest.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + ": not an export folder (no " + ExportManifest.FILE_NAME + ")");
        }
        if (Files.size(file) > MAX_MANIFEST_BYTES) {
            throw new IOException(file + ": " + Files.size(file) + " bytes, too large for a manifest");
        }
        byte[] bytes = Files.readAllBytes(file);
        ExportManifest manifest = ExportManifest.parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
        return new ModelBundle(dir, manifest, sha256().digest(bytes));
    }

    public Path dir() {
        return dir;
    }

    public ExportManifest manifest() {
        return manifest;
    }

    /** The 32-byte model id sent in every wire message. */
    public byte[] modelId() {
        return modelId.clone();
    }

    public String modelIdHex() {
        return HexFormat.of().formatHex(modelId);
    }

    /** The file of a half. */
    public Path file(Half half) {
        return dir.resolve(half.fileName());
    }

    /**
     * Builds the model and loads {@code half}'s weights after verifying its file's SHA-256; the
     * other half keeps placeholder weights and must not be used. The model is in eval mode.
     *
     * @throws IOException when the file is missing, unreadable or does not match the manifest's hash
     * @throws IllegalArgumentException when its tensors do not fit the architecture
     */
    public SplitModel load(Half half, Backend backend) throws IOException {
        SplitModel model = build(backend);
        loadInto(model, half, backend);
        return model.eval();
    }

    /** Both halves (the full model, e.g. to check the server's answers locally); needs both files. */
    public SplitModel loadBoth(Backend backend) throws IOException {
        SplitModel model = build(backend);
        loadInto(model, Half.EDGE, backend);
        loadInto(model, Half.CLOUD, backend);
        return model.eval();
    }

    private SplitModel build(Backend backend) {
        ArchConfig config = ArchConfig.of(manifest.channels(), manifest.imageSize(), manifest.classes());
        SplitModel model;
        try {
            // By the recorded architecture, not the defense: the edge client carries the arch package only.
            model = Architectures.forName(manifest.model(), config, new RandomSource(PLACEHOLDER_SEED));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir.resolve(ExportManifest.FILE_NAME) + ": " + e.getMessage(), e);
        }
        if (!java.util.Arrays.equals(model.featureShape(), manifest.featureShape())) {
            throw new IllegalArgumentException(dir.resolve(ExportManifest.FILE_NAME) + ": feature_shape "
                    + java.util.Arrays.toString(manifest.featureShape()) + " but " + model.name() + " produces "
                    + java.util.Arrays.toString(model.featureShape()));
        }
        model.to(backend);
        return model;
    }

    private void loadInto(SplitModel model, Half half, Backend backend) throws IOException {
        Path file = file(half);
        verify(half);
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : contents.tensors().entrySet()) {
            state.put(e.getKey(), e.getValue().toTensor(backend));
        }
        Module stage = half == Half.EDGE ? model.edge() : model.cloud();
        try {
            stage.loadStateDict(state, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " does not fit the " + half.label() + " of " + model.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks a half's file against the manifest.
     *
     * @throws IOException when it is missing or its SHA-256 differs from the recorded one
     */
    public void verify(Half half) throws IOException {
        Path file = file(half);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing (the " + half.label() + " half of the export in " + dir + ")");
        }
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(manifest.sha256(half))) {
            throw new IOException(file + ": SHA-256 " + actual + " does not match the manifest's " + manifest.sha256(half)
                    + " (the file was changed, or comes from another export)");
        }
    }

    /** A SHA-256 digest (every JDK has one). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
