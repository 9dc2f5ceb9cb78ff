package org.siftfunnel.model.runtime.bundle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.io.Json;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.data.Normalization;

/**
 * What {@code manifest.json} of an export records. The file's exact bytes identify the model
 * on the wire, so it is written once by the exporter and never rewritten.
 *
 * @param arch          backbone ({@code cnn}, {@code vgg16}, {@code resnet18})
 * @param defense       the defense the model was trained with (informative: {@code model} says what to build)
 * @param model         the architecture as {@code backbone/variant}, the name {@link Architectures#forName} rebuilds
 *                      (e.g. {@code cnn/none} for a NoPeek model, {@code cnn/mid} for MID at the split); exports
 *                      written before it was recorded lack the key and read as {@code arch/defense}
 * @param channels      input channels
 * @param imageSize     input side
 * @param classes       number of classes
 * @param featureShape  per-sample shape [C, H, W] of the transmitted features
 * @param normalization the input normalisation the model was trained with
 * @param classNames    class names in label order, or null
 * @param edgeSha256    hex SHA-256 of {@code edge.safetensors}
 * @param cloudSha256   hex SHA-256 of {@code cloud.safetensors}
 * @param source        where the weights came from (informative)
 */
public record ExportManifest(String arch, String defense, String model, int channels, int imageSize, int classes, int[] featureShape,
                             Normalization normalization, List<String> classNames, String edgeSha256, String cloudSha256,
                             String source) {
    /** The value of the {@code format} key. */
    public static final String FORMAT = "siftfunnel-export-1";
    public static final String FILE_NAME = "manifest.json";

    public ExportManifest {
        featureShape = featureShape.clone();
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** [channels, imageSize, imageSize]. */
    public int[] inputShape() {
        return new int[] {channels, imageSize, imageSize};
    }

    /** Values per sample on the wire. */
    public int featureSize() {
        return featureShape[0] * featureShape[1] * featureShape[2];
    }

    /** The recorded hash of a half's file. */
    public String sha256(Half half) {
        return half == Half.EDGE ? edgeSha256 : cloudSha256;
    }

    /** The JSON text of the manifest (written once by the exporter; its bytes are the model id). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("arch", arch);
        m.put("defense", defense);
        m.put("model", model);
        m.put("channels", channels);
        m.put("image_size", imageSize);
        m.put("classes", classes);
        m.put("input_shape", inputShape());
        m.put("feature_shape", featureShape);
        m.put("normalization", normalization.toJson());
        m.put("class_names", classNames);
        m.put("edge", half(Half.EDGE, edgeSha256));
        m.put("cloud", half(Half.CLOUD, cloudSha256));
        m.put("source", source);
        return Json.writePretty(m) + "\n";
    }

    private static Map<String, Object> half(Half h, String sha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", h.fileName());
        m.put("sha256", sha);
        return m;
    }

    /**
     * Parses manifest JSON.
     *
     * @param where names the file in error messages
     * @throws IllegalArgumentException naming the file and the missing or malformed key
     */
    public static ExportManifest parse(String json, String where) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException(where + ": 'format' is " + m.get("format") + ", expected " + FORMAT
                    + " (not a siftfunnel export, or one from another version)");
        }
        int[] feature = intList(m, "feature_shape", where);
        if (feature.length != 3 || Arrays.stream(feature).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(where + ": 'feature_shape' must be three positive integers, got " + Arrays.toString(feature));
        }
        Normalization norm;
        try {
            norm = Normalization.fromJson(m.get("normalization"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": 'normalization': " + e.getMessage(), e);
        }
        List<String> names = null;
        if (m.get("class_names") instanceof List<?> l) {
            names = new ArrayList<>();
            for (Object o : l) {
                names.add(String.valueOf(o));
            }
        }
        String arch = text(m, "arch", where).toLowerCase(Locale.ROOT);
        String defense = text(m, "defense", where).toLowerCase(Locale.ROOT);
        String model = m.containsKey("model") ? text(m, "model", where).toLowerCase(Locale.ROOT) : arch + "/" + defense;
        ExportManifest manifest = new ExportManifest(arch, defense, model, integer(m, "channels", where), integer(m, "image_size", where),
                integer(m, "classes", where), feature, norm, names, sha(m, Half.EDGE, where), sha(m, Half.CLOUD, where),
                m.get("source") == null ? null : m.get("source").toString());
        if (norm.channels() != manifest.channels()) {
            throw new IllegalArgumentException(where + ": normalization has " + norm.channels() + " channels, the model " + manifest.channels());
        }
        if (names != null && names.size() != manifest.classes()) {
            throw new IllegalArgumentException(where + ": " + names.size() + " class names for " + manifest.classes() + " classes");
        }
        return manifest;
    }

    private static String sha(Map<?, ?> m, Half half, String where) {
        if (!(m.get(half.label()) instanceof Map<?, ?> h) || !(h.get("sha256") instanceof String s) || !s.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ": '" + half.label() + ".sha256' must be 64 lower-case hex digits");
        }
        return s;
    }

    private static String text(Map<?, ?> m, String key, String where) {
        if (!(m.get(key) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a non-empty string");
        }
        return s;
    }

    private static int integer(Map<?, ?> m, String key, String where) {
        if (m.get(key) instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() > 0) {
            return n.intValue();
        }
        throw new IllegalArgumentException(where + ": '" + key + "' must be a positive integer, got " + m.get(key));
    }

    private static int[] intList(Map<?, ?> m, String key, String where) {
        if (!(m.get(key) instanceof List<?> l)) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a list of integers");
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number n) || n.doubleValue() != n.intValue()) {
                throw new IllegalArgumentException(where + ": '" + key + "' must be a list of integers, got " + l);
            }
            out[i] = n.intValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportManifest e && toJson().equals(e.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }
}
