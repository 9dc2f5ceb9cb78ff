package org.siftfunnel.model.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.siftfunnel.model.data.Normalization;

/**
 * What a training run's checkpoint says about its model (see
 * {@link org.siftfunnel.model.train.Checkpoints}): the architecture and task shape, the input
 * normalisation the model was trained with, and the class names of its data when recorded.
 *
 * @param source        the file the metadata came from (the sidecar JSON, or the weights file
 *                      when only its header had the metadata)
 * @param spec          the model to build
 * @param normalization the training normalisation, or null when not recorded
 * @param classNames    the classes in label order, or null when not recorded
 */
public record CheckpointInfo(Path source, ModelSpec spec, Normalization normalization, List<String> classNames) {
    public CheckpointInfo {
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /**
     * Reads the sidecar JSON of a checkpoint (or the string metadata of its safetensors header,
     * which repeats arch, defense, channels, image_size and classes).
     *
     * @throws IllegalArgumentException naming the file and the missing or malformed key
     */
    static CheckpointInfo fromMetadata(Path source, Map<?, ?> meta) {
        String arch = text(source, meta, "arch");
        String defense = text(source, meta, "defense");
        int channels = integer(source, meta, "channels");
        int imageSize = integer(source, meta, "image_size");
        int classes = integer(source, meta, "classes");
        ModelSpec spec;
        try {
            spec = new ModelSpec(arch, defense, channels, imageSize, classes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": checkpoint metadata: " + e.getMessage(), e);
        }
        Normalization norm = null;
        if (meta.get("normalization") != null) {
            try {
                norm = Normalization.fromJson(meta.get("normalization"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": checkpoint metadata: " + e.getMessage(), e);
            }
            if (norm.channels() != spec.channels()) {
                throw new IllegalArgumentException(source + ": checkpoint metadata: normalization has " + norm.channels()
                        + " channels but the model has " + spec.channels());
            }
        }
        return new CheckpointInfo(source, spec, norm, classNames(meta, spec.classes()));
    }

    private static String text(Path source, Map<?, ?> meta, String key) {
        Object v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": checkpoint metadata has no '" + key + "'");
        }
        return v.toString();
    }

    private static int integer(Path source, Map<?, ?> meta, String key) {
        Object v = meta.get(key);
        try {
            if (v instanceof Number n && n.doubleValue() == n.intValue()) {
                return n.intValue();
            }
            if (v instanceof String s) {
                return Integer.parseInt(s.trim());
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new IllegalArgumentException(source + ": checkpoint metadata: '" + key + "' must be an integer, got "
                + (v == null ? "nothing" : v));
    }

    /** {@code data.test.classes} (or the train split's) when it is a list of the right length. */
    private static List<String> classNames(Map<?, ?> meta, int classes) {
        if (!(meta.get("data") instanceof Map<?, ?> data)) {
            return null;
        }
        for (String split : new String[] {"test", "train"}) {
            if (data.get(split) instanceof Map<?, ?> m && m.get("classes") instanceof List<?> names && names.size() == classes) {
                List<String> out = new ArrayList<>();
                names.forEach(n -> out.add(String.valueOf(n)));
                return out;
            }
        }
        return null;
    }
}
