package org.siftfunnel.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Per-channel input normalisation {@code x' = (x − mean[c]) / std[c]}, torchvision's
 * {@code Normalize}. Models see normalised images; attacks reconstruct raw ones, so both
 * directions are here, on host arrays and on tensors (the tensor forms are differentiable,
 * for attacks that optimise raw pixels through the edge model). Checkpoints record it as
 * JSON {@code {"mean": [...], "std": [...]}}.
 */
public record Normalization(float[] mean, float[] std) {
    /** The paper's greyscale statistics (Chest X-ray): mean 0.5, std 0.5. */
    public static final Normalization GREY = new Normalization(new float[] {0.5f}, new float[] {0.5f});
    /** The paper's RGB statistics (CIFAR-10's): mean (0.4914, 0.4822, 0.4465), std (0.2023, 0.1994, 0.2010). */
    public static final Normalization RGB = new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f},
            new float[] {0.2023f, 0.1994f, 0.2010f});

    public Normalization {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization: mean and std need one value per channel, got mean "
                    + Arrays.toString(mean) + ", std " + Arrays.toString(std));
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("normalization: channel " + c + " has mean " + mean[c] + ", std " + std[c]
                        + "; the mean must be finite and the std positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The paper's statistics for a channel count: {@link #GREY} for 1, {@link #RGB} for 3. */
    public static Normalization paperDefault(int channels) {
        return switch (channels) {
            case 1 -> GREY;
            case 3 -> RGB;
            default -> throw new IllegalArgumentException("normalization: the paper has statistics for 1 or 3 channels, not "
                    + channels);
        };
    }

    /** Mean 0, std 1: leaves images unchanged. */
    public static Normalization identity(int channels) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new Normalization(zeros, ones);
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Normalises one [C, plane] image from {@code src} into {@code dst} (may be the same array). */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int plane) {
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            int a = srcOff + c * plane;
            int b = dstOff + c * plane;
            for (int p = 0; p < plane; p++) {
                dst[b + p] = (src[a + p] - m) / s;
            }
        }
    }

    /** The inverse of {@link #apply}: {@code x = x'·std + mean}. */
    public void invert(float[] src, int srcOff, float[] dst, int dstOff, int plane) {
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            int a = srcOff + c * plane;
            int b = dstOff + c * plane;
            for (int p = 0; p < plane; p++) {
                dst[b + p] = src[a + p] * s + m;
            }
        }
    }

    /** Normalises a [N, C, H, W] tensor (differentiable). */
    public Tensor apply(Tensor x) {
        checkChannels(x);
        return x.sub(channelTensor(x, mean)).div(channelTensor(x, std));
    }

    /** Undoes {@link #apply(Tensor)} (differentiable). */
    public Tensor invert(Tensor x) {
        checkChannels(x);
        return x.mul(channelTensor(x, std)).add(channelTensor(x, mean));
    }

    private void checkChannels(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != mean.length) {
            throw new IllegalArgumentException("normalization: expected a [N, " + mean.length + ", H, W] tensor, got "
                    + Arrays.toString(s));
        }
    }

    private static Tensor channelTensor(Tensor like, float[] values) {
        return Tensor.of(like.backend(), values.clone(), 1, values.length, 1, 1);
    }

    /** {@code {"mean": [...], "std": [...]}} with the shortest decimals that read back to the same floats. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", decimals(mean));
        m.put("std", decimals(std));
        return m;
    }

    private static List<Double> decimals(float[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(Double.parseDouble(Float.toString(f)));
        }
        return out;
    }

    /**
     * Reads what {@link #toJson} wrote (a parsed JSON object).
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static Normalization fromJson(Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("normalization JSON must be an object with 'mean' and 'std', got " + json);
        }
        return new Normalization(floats(m.get("mean"), "mean"), floats(m.get("std"), "std"));
    }

    private static float[] floats(Object v, String key) {
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("normalization JSON: '" + key + "' must be a non-empty list of numbers, got " + v);
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("normalization JSON: '" + key + "'[" + i + "] is not a number: " + list.get(i));
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
