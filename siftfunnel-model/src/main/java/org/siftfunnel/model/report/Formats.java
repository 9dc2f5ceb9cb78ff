package org.siftfunnel.model.report;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the report prints each kind of number (locale-independent, so the report is the same
 * bytes on every machine): accuracies in percent, counts with thousands separators, MACs in
 * millions, the rest with the precision its scale needs. A spread prints as {@code ± std}.
 */
public final class Formats {
    private Formats() {
    }

    /** What a missing number prints as in tables. */
    public static final String MISSING = "–";

    public static String of(String key, Optional<Measure> m) {
        return m.map(v -> of(key, v)).orElse(MISSING);
    }

    public static String of(String key, Measure m) {
        String v = number(key, m.value());
        if (!m.hasStd()) {
            return v;
        }
        return v + " ± " + number(key, m.std());
    }

    /** One number of the kind named by its results.json key. */
    public static String number(String key, double v) {
        String k = key.startsWith("paper_") ? key.substring("paper_".length()) : key;
        return switch (k) {
            case "accuracy", "accuracy_without_recalibration", "attack_accuracy", "test_accuracy" ->
                    String.format(Locale.ROOT, "%.2f%%", 100 * v);
            case "mse" -> String.format(Locale.ROOT, "%.4g", v);
            case "psnr" -> String.format(Locale.ROOT, "%.2f", v);
            case "ssim" -> String.format(Locale.ROOT, "%.4f", v);
            case "delta_z", "effective_rank" -> String.format(Locale.ROOT, "%.1f", v);
            case "edge_params", "bytes_per_image", "feature_dim" -> v == Math.rint(v) && Math.abs(v) < 1e15
                    ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
            case "edge_macs" -> String.format(Locale.ROOT, "%.2f M", v / 1e6);
            case "edge_latency_ms" -> String.format(Locale.ROOT, "%.3f ms", v);
            default -> String.format(Locale.ROOT, "%.3f", v);
        };
    }

    /** Seconds as a duration people read ({@code 42.0 s}, {@code 12 min 5 s}, {@code 2 h 3 min}). */
    public static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long total = Math.round(s);
        if (total < 3600) {
            return String.format(Locale.ROOT, "%d min %d s", total / 60, total % 60);
        }
        return String.format(Locale.ROOT, "%d h %d min", total / 3600, (total % 3600) / 60);
    }

    /** A defense's strength parameters, e.g. {@code sigma=0.8, rate=0.5}; empty for none. */
    public static String params(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=').append(scalar(e.getValue()));
        }
        return sb.toString();
    }

    /** A JSON scalar as written in settings tables (whole doubles without a trailing .0 noise). */
    public static String scalar(Object v) {
        if (v instanceof Double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString(d.longValue());
            }
            return Double.toString(d);
        }
        return String.valueOf(v);
    }
}
