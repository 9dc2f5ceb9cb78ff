package org.siftfunnel.model.evaluate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console summary of a results.json: one row per defense with accuracy, ΔZ/dim(z), both
 * MINE estimates, each attack's SSIM and MSE, and edge cost (MACs, ratio to the undefended
 * edge, bytes sent, median latency); then the compute time of each kind of stage.
 */
public final class SummaryTable {
    private SummaryTable() {
    }

    @SuppressWarnings("unchecked")
    public static void print(Map<String, Object> results, PrintStream out) {
        Map<String, Object> defenses = (Map<String, Object>) results.get("defenses");
        List<String> attacks = new ArrayList<>();
        for (Object d : defenses.values()) {
            if (((Map<String, Object>) d).get("attacks") instanceof Map<?, ?> a) {
                for (Object k : a.keySet()) {
                    if (!attacks.contains(k.toString())) {
                        attacks.add(k.toString());
                    }
                }
            }
        }
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-12s %7s %6s %7s %7s", "defense", "acc", "ΔZ/d", "MINEcor",
                "MINEpap"));
        for (String a : attacks) {
            head.append(String.format(Locale.ROOT, " %17s", a + " SSIM/MSE"));
        }
        head.append(String.format(Locale.ROOT, " %11s %6s %7s %8s", "edge MACs", "ratio", "bytes", "lat ms"));
        out.println(head);
        for (Map.Entry<String, Object> e : defenses.entrySet()) {
            Map<String, Object> d = (Map<String, Object>) e.getValue();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-12s %7s %6s %7s %7s", e.getKey(), num(d, "accuracy", "%.4f"),
                    num(d, "delta_z_ratio", "%.3f"), num(d, "mine_corrected", "%.3f"), num(d, "mine_paper", "%.3f")));
            Map<String, Object> as = d.get("attacks") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            for (String a : attacks) {
                Map<String, Object> r = as.get(a) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                row.append(String.format(Locale.ROOT, " %17s", num(r, "ssim", "%.3f") + "/" + num(r, "mse", "%.4f")));
            }
            row.append(String.format(Locale.ROOT, " %11s %6s %7s %8s", num(d, "edge_macs", "%,.0f"), num(d, "edge_cost_ratio", "%.3f"),
                    num(d, "bytes_per_image", "%.0f"), num(d, "edge_latency_ms", "%.3f")));
            if (Boolean.FALSE.equals(d.get("comparable"))) {
                row.append("  (accuracy not comparable)");
            }
            out.println(row);
        }
        if (results.get("reference_defense") != null) {
            out.printf(Locale.ROOT, "comparable: accuracy at least %s's minus %s; strongest attack per defense in results.json%n",
                    results.get("reference_defense"), results.get("comparable_within"));
        }
        if (results.get("mine") instanceof Map<?, ?> mine) {
            out.printf(Locale.ROOT, "MINE (nats): %s epochs per estimator%s; MINEcor = corrected estimator, MINEpap = the paper's%n",
                    mine.get("epochs"), Boolean.TRUE.equals(mine.get("fewer_epochs_than_paper"))
                            ? " (the paper trains " + mine.get("paper_epochs") + "; values from so few epochs are not evidence)" : "");
        }
        if (results.get("timings") instanceof Map<?, ?> t) {
            StringBuilder sb = new StringBuilder("compute time by stage:");
            t.forEach((k, v) -> {
                if (v instanceof Number n) {
                    sb.append(String.format(Locale.ROOT, " %s %.1fs", k.toString().replace("_s", ""), n.doubleValue()));
                }
            });
            out.println(sb);
        }
    }

    private static String num(Map<String, Object> m, String key, String format) {
        Object v = m.get(key);
        return v instanceof Number n ? String.format(Locale.ROOT, format, n.doubleValue()) : "-";
    }
}
