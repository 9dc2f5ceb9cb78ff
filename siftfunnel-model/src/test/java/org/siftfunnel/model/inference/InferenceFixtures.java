package org.siftfunnel.model.inference;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.train.Checkpoints;

/** Weights files, checkpoints and models shared by the inference and {@code predict} tests. */
public final class InferenceFixtures {
    /** The tiny model's settings: an undefended 4-block CNN, greyscale 16×16, 3 classes. */
    public static final ModelSpec TINY = new ModelSpec("cnn", "none", 1, 16, 3);
    /** A normalisation unlike the paper's, so a test can tell which one was applied. */
    public static final Normalization TINY_NORMALIZATION = new Normalization(new float[] {0.25f}, new float[] {0.4f});
    public static final List<String> TINY_CLASSES = List.of("circle", "square", "star");

    private InferenceFixtures() {
    }

    /** {@code golden/siftfunnel_cnn.safetensors} (the paper's SiftFunnel CNN, 1×32×32, 10 classes) on disk. */
    public static Path goldenFile() throws IOException {
        URL url = InferenceFixtures.class.getResource("/golden/siftfunnel_cnn.safetensors");
        if (url == null) {
            throw new IOException("golden/siftfunnel_cnn.safetensors is missing from the test resources");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    public static SafeTensors.Contents golden() throws IOException {
        return SafeTensors.read(goldenFile());
    }

    /** The golden model's state dict as PyTorch's {@code state_dict()} names it (the {@code param.} tensors, prefix removed). */
    public static LinkedHashMap<String, StoredTensor> goldenStateDict() throws IOException {
        LinkedHashMap<String, StoredTensor> out = new LinkedHashMap<>();
        golden().tensors().forEach((k, v) -> {
            if (k.startsWith("param.")) {
                out.put(k.substring("param.".length()), v);
            }
        });
        return out;
    }

    /** Writes tensors (no metadata) and returns the file. */
    public static Path write(Path file, Map<String, StoredTensor> tensors) throws IOException {
        SafeTensors.write(file, tensors, Map.of());
        return file;
    }

    /** A freshly initialised {@link #TINY} model whose weights depend on {@code seed}. */
    public static SplitModel tinyModel(long seed) {
        return Architectures.create(TINY.arch(), TINY.defense(), TINY.config(), new RandomSource(seed));
    }

    /**
     * Saves {@code model} as checkpoint {@code name} of run folder {@code run} with the metadata a
     * training run writes (arch, defense, channels, image size, classes, normalisation, data classes).
     */
    public static Path saveCheckpoint(Path run, String name, SplitModel model) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("arch", TINY.arch());
        meta.put("defense", TINY.defense());
        meta.put("channels", TINY.channels());
        meta.put("image_size", TINY.imageSize());
        meta.put("classes", TINY.classes());
        meta.put("epoch", 1);
        meta.put("normalization", TINY_NORMALIZATION.toJson());
        meta.put("data", Map.of("test", Map.of("classes", TINY_CLASSES)));
        Checkpoints.save(run, name, model, null, meta);
        return Checkpoints.dir(run).resolve(name + ".safetensors");
    }
}
