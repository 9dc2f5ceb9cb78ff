package org.siftfunnel.model.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.siftfunnel.engine.io.Json;

/**
 * Builds the report's content (headings, tables, claims, figure references) from the results;
 * the renderers turn it into Markdown and HTML. Section order: run settings and environment,
 * claims, the strongest attack, defenses, attacks, sweeps, per-seed numbers, figures, and what
 * this run did not measure.
 */
final class ReportBuilder {
    static final String TITLE = "SiftFunnel evaluation report";
    /** The paper's two attacks, shown next to the strongest one. */
    static final List<String> PAPER_ATTACKS = List.of("blackbox", "whitebox-paper");
    private static final List<String> ATTACK_KEYS = List.of("mse", "psnr", "ssim", "attack_accuracy");
    private static final List<String> PAPER_KEYS = List.of("paper_mse", "paper_psnr", "paper_ssim");

    private final EvaluationResults r;
    private final List<Block> out = new ArrayList<>();

    private ReportBuilder(EvaluationResults r) {
        this.r = r;
    }

    static List<Block> build(EvaluationResults r, List<Claim> claims, List<Block.Figure> figures, List<String> absent) {
        ReportBuilder b = new ReportBuilder(r);
        b.header();
        b.claims(claims);
        b.strongestAttack();
        b.defenses();
        b.attacks();
        b.sweeps();
        b.perSeed();
        b.figures(figures);
        b.absent(absent);
        return List.copyOf(b.out);
    }

    // ------------------------------------------------------------------ run

    private void header() {
        out.add(new Block.Heading(1, TITLE));
        String seeds = r.seeds().isEmpty() ? "not recorded" : joinLongs(r.seeds());
        out.add(new Block.Paragraph(String.format(Locale.ROOT,
                "Rendered from this folder's results.json (format %s); ./siftfunnel report DIR re-renders it. %s", r.format(),
                r.seeds().size() > 1 ? "Numbers are means ± standard deviation over " + r.seeds().size() + " seeds."
                        : "One seed: numbers have no spread.")));
        out.add(new Block.Heading(2, "Run"));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("architecture", r.arch().orElse(Formats.MISSING)));
        rows.add(List.of("profile", r.profile().orElse(Formats.MISSING)));
        rows.add(List.of("seeds", seeds));
        rows.add(List.of("reference defense (the claims are about it)", r.referenceDefense()));
        rows.add(List.of("comparable accuracy", "at most " + String.format(Locale.ROOT, "%.2f", 100 * r.comparableWithin())
                + " points below " + r.referenceDefense()));
        rows.add(List.of("decoder checkpoint rule", r.selectionRule().orElse(Formats.MISSING)));
        out.add(new Block.Table(List.of("setting", "value"), rows, 2));

        out.add(new Block.Heading(3, "Environment"));
        if (r.environment().isEmpty()) {
            out.add(new Block.Paragraph("Not recorded."));
        } else {
            out.add(new Block.Table(List.of("key", "value"), flatten(r.environment()), 2));
            if (r.environment().get("stages_from_other_builds") instanceof Number other && other.intValue() > 0) {
                // A resumed run reuses finished stages whatever build computed them; a reader must see that.
                out.add(new Block.Paragraph("Mixed builds: " + other.intValue() + " of the stages behind these results were computed by "
                        + "other builds than " + r.environment().getOrDefault("git_commit", Formats.MISSING)
                        + " (stage_builds above counts them per commit)."));
            }
        }
        out.add(new Block.Heading(3, "Timings"));
        if (r.timings().isEmpty()) {
            out.add(new Block.Paragraph("Not recorded."));
        } else {
            List<List<String>> t = new ArrayList<>();
            r.timings().forEach((k, v) -> t.add(List.of(k.endsWith("_s") ? k.substring(0, k.length() - 2) : k, Formats.seconds(v))));
            out.add(new Block.Table(List.of("stage", "wall time"), t, 1));
        }
        r.timingNotes().forEach((k, v) -> out.add(new Block.Paragraph(k + ": " + v)));
        out.add(new Block.Heading(3, "Settings"));
        if (r.settings().isEmpty()) {
            out.add(new Block.Paragraph("Not recorded."));
        } else {
            out.add(new Block.Table(List.of("setting", "value"), flatten(r.settings()), 2));
        }
        if (!r.notes().isEmpty()) {
            out.add(new Block.Heading(3, "Notes recorded by the evaluation"));
            out.add(new Block.Table(List.of("key", "value"), flatten(r.notes()), 2));
        }
    }

    // ------------------------------------------------------------------ claims

    private void claims(List<Claim> claims) {
        out.add(new Block.Heading(2, "The paper's claims, checked on these numbers"));
        out.add(new Block.Paragraph("Each verdict is computed from results.json by comparing means. A baseline is one of "
                + String.join(", ", Claims.BASELINES) + "; a baseline setting (the chosen one or a sweep point) is comparable when "
                + "the evaluation marked it so, or else when its accuracy is at least " + r.referenceDefense()
                + "'s minus the comparable distance; the strongest comparable setting for each metric is used (the highest black-box "
                + "MSE, the lowest MINE, the lowest ΔZ/dim), the hardest comparison for " + r.referenceDefense() + "."));
        List<List<String>> rows = new ArrayList<>();
        for (Claim c : claims) {
            rows.add(List.of(c.statement(), c.verdict().label(), c.evidence()));
        }
        out.add(new Block.Table(List.of("claim", "verdict", "numbers used"), rows, 3));
    }

    private void strongestAttack() {
        String ref = r.referenceDefense();
        out.add(new Block.Heading(2, "Strongest attack on " + ref));
        Optional<DefenseEntry> d = r.defense(ref);
        if (d.isEmpty() || d.get().attacks().isEmpty()) {
            out.add(new Block.Paragraph("Not measured: no attack results for " + ref + "."));
            return;
        }
        Optional<String> strongest = d.get().strongestAttackName();
        boolean recorded = d.get().strongestAttack().isPresent() && strongest.equals(d.get().strongestAttack());
        out.add(new Block.Paragraph(strongest.map(s -> "The strongest attack on " + ref + " is " + s
                + (recorded ? " (as recorded by the evaluation: highest SSIM)" : " (highest SSIM among its attacks)")
                + "; it is shown next to the paper's two attacks.").orElse("No attack on " + ref + " has an SSIM, so none can be named strongest.")));
        List<String> names = new ArrayList<>();
        strongest.ifPresent(names::add);
        for (String p : PAPER_ATTACKS) {
            if (!names.contains(p)) {
                names.add(p);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (String a : names) {
            List<String> role = new ArrayList<>();
            if (strongest.isPresent() && strongest.get().equals(a)) {
                role.add("strongest");
            }
            if (a.equals("blackbox")) {
                role.add("paper: black-box decoder");
            } else if (a.equals("whitebox-paper")) {
                role.add("paper: white-box rMLE");
            }
            List<String> row = new ArrayList<>(List.of(a, String.join(", ", role)));
            Optional<AttackEntry> e = d.get().attack(a);
            for (String k : ATTACK_KEYS) {
                row.add(e.isEmpty() ? "not run" : Formats.of(k, e.get().metric(k)));
            }
            rows.add(row);
        }
        out.add(new Block.Table(List.of("attack", "role", "MSE", "PSNR (dB)", "SSIM", "attack accuracy"), rows, 2));
    }

    // ------------------------------------------------------------------ defenses and attacks

    private void defenses() {
        out.add(new Block.Heading(2, "Defenses"));
        if (r.defenses().isEmpty()) {
            out.add(new Block.Paragraph("No defense has results yet."));
            return;
        }
        out.add(new Block.Paragraph("Utility and leakage of z (the features sent to the cloud). MINE (paper) is the paper's "
                + "estimator (sigmoid-bounded critic, maximum over epochs, at most 1 nat); MINE (corrected) is the unbounded, "
                + "bias-corrected estimate on held-out data. Both in nats."));
        List<List<String>> rows = new ArrayList<>();
        for (DefenseEntry d : r.defenses().values()) {
            rows.add(List.of(d.name(), Formats.params(d.params()), Formats.of("accuracy", d.metric("accuracy")),
                    d.comparable().map(c -> c ? "yes" : "no").orElse(Formats.MISSING),
                    Formats.of("delta_z_ratio", d.deltaZPerDim()), Formats.of("mine_paper", d.metric("mine_paper")),
                    Formats.of("mine_corrected", d.metric("mine_corrected")), Formats.of("dcor_xz", d.metric("dcor_xz")),
                    Formats.of("effective_rank", d.metric("effective_rank"))));
        }
        out.add(new Block.Table(List.of("defense", "setting", "accuracy", "comparable", "ΔZ/dim", "MINE (paper)",
                "MINE (corrected)", "dCor(x, z)", "effective rank"), rows, 2));
        out.add(new Block.Paragraph("Edge cost: what the device runs and sends per image; the ratio is the edge's MACs "
                + "relative to the undefended edge."));
        rows = new ArrayList<>();
        for (DefenseEntry d : r.defenses().values()) {
            rows.add(List.of(d.name(), Formats.of("edge_params", d.metric("edge_params")), Formats.of("edge_macs", d.metric("edge_macs")),
                    Formats.of("bytes_per_image", d.metric("bytes_per_image")), Formats.of("edge_latency_ms", d.metric("edge_latency_ms")),
                    Formats.of("edge_cost_ratio", d.metric("edge_cost_ratio"))));
        }
        out.add(new Block.Table(List.of("defense", "edge parameters", "edge MACs", "bytes per image", "edge latency",
                "MACs vs undefended"), rows, 1));
    }

    private void attacks() {
        out.add(new Block.Heading(2, "Attacks"));
        List<String> attacks = r.attackNames();
        if (attacks.isEmpty()) {
            out.add(new Block.Paragraph("No attack has results yet."));
            return;
        }
        out.add(new Block.Paragraph("Reconstruction quality per attack and defense: per-image MSE (lower is more private), "
                + "PSNR with peak 1, SSIM with scikit-image defaults, and the accuracy of an independent classifier on the "
                + "reconstructions. Columns marked \"paper-compatible\" use the released code's conventions (MSE summed over "
                + "channels, PSNR per batch, SSIM over the batch as a volume)."));
        for (String a : attacks) {
            out.add(new Block.Heading(3, "Attack: " + a));
            List<String> keys = new ArrayList<>(ATTACK_KEYS);
            for (String k : PAPER_KEYS) {
                if (r.defenses().values().stream().anyMatch(d -> d.attackMetric(a, k).isPresent())) {
                    keys.add(k);
                }
            }
            List<List<String>> rows = new ArrayList<>();
            for (DefenseEntry d : r.defenses().values()) {
                Optional<AttackEntry> e = d.attack(a);
                if (e.isEmpty()) {
                    continue;
                }
                List<String> row = new ArrayList<>(List.of(d.name()));
                for (String k : keys) {
                    row.add(Formats.of(k, e.get().metric(k)));
                }
                rows.add(row);
            }
            List<String> header = new ArrayList<>(List.of("defense"));
            for (String k : keys) {
                header.add(columnName(k));
            }
            out.add(new Block.Table(header, rows, 1));
        }
    }

    private static String columnName(String key) {
        return switch (key) {
            case "mse" -> "MSE";
            case "psnr" -> "PSNR (dB)";
            case "ssim" -> "SSIM";
            case "attack_accuracy" -> "attack accuracy";
            case "paper_mse" -> "MSE (paper-compatible)";
            case "paper_psnr" -> "PSNR (paper-compatible)";
            case "paper_ssim" -> "SSIM (paper-compatible)";
            default -> key;
        };
    }

    private void sweeps() {
        List<DefenseEntry> swept = r.defenses().values().stream().filter(d -> !d.sweep().isEmpty()).toList();
        if (swept.isEmpty()) {
            return;
        }
        out.add(new Block.Heading(2, "Strength sweeps"));
        out.add(new Block.Paragraph("Each swept setting, with the black-box attack's numbers; \"chosen\" marks the setting "
                + "the evaluation reports for the defense."));
        for (DefenseEntry d : swept) {
            out.add(new Block.Heading(3, "Sweep: " + d.name()));
            List<List<String>> rows = new ArrayList<>();
            for (DefenseEntry p : d.sweep()) {
                rows.add(List.of(Formats.params(p.params()), p.params().equals(d.params()) ? "chosen" : "",
                        Formats.of("accuracy", p.metric("accuracy")), p.comparable().map(c -> c ? "yes" : "no").orElse(Formats.MISSING),
                        Formats.of("mse", p.attackMetric(Claims.BLACKBOX, "mse")), Formats.of("ssim", p.attackMetric(Claims.BLACKBOX, "ssim")),
                        Formats.of("attack_accuracy", p.attackMetric(Claims.BLACKBOX, "attack_accuracy")),
                        Formats.of("mine_corrected", p.metric("mine_corrected")), Formats.of("delta_z_ratio", p.deltaZPerDim())));
            }
            out.add(new Block.Table(List.of("setting", "reported", "accuracy", "comparable", "black-box MSE", "black-box SSIM",
                    "black-box attack accuracy", "MINE (corrected)", "ΔZ/dim"), rows, 2));
        }
    }

    private void perSeed() {
        if (r.perSeed().size() < 2) {
            return;
        }
        out.add(new Block.Heading(2, "Per seed"));
        out.add(new Block.Paragraph("Accuracy and black-box SSIM of every seed, to show the spread behind the means."));
        List<String> header = new ArrayList<>(List.of("defense", "metric"));
        for (EvaluationResults.SeedResults s : r.perSeed()) {
            header.add("seed " + s.seed());
        }
        List<List<String>> rows = new ArrayList<>();
        for (String name : r.defenses().keySet()) {
            for (String metric : List.of("accuracy", "ssim")) {
                List<String> row = new ArrayList<>(List.of(name, metric.equals("ssim") ? "black-box SSIM" : "accuracy"));
                for (EvaluationResults.SeedResults s : r.perSeed()) {
                    DefenseEntry d = s.defenses().get(name);
                    Optional<Measure> m = d == null ? Optional.empty()
                            : metric.equals("ssim") ? d.attackMetric(Claims.BLACKBOX, "ssim") : d.metric("accuracy");
                    row.add(Formats.of(metric, m));
                }
                rows.add(row);
            }
        }
        out.add(new Block.Table(header, rows, 2));
    }

    private void figures(List<Block.Figure> figures) {
        out.add(new Block.Heading(2, "Figures"));
        if (figures.isEmpty()) {
            out.add(new Block.Paragraph("No figure could be drawn from this run's files."));
        }
        out.addAll(figures);
    }

    private void absent(List<String> absent) {
        out.add(new Block.Heading(2, "Not in this run"));
        if (absent.isEmpty()) {
            out.add(new Block.Paragraph("Everything the report shows was measured."));
        } else {
            out.add(new Block.Bullets(absent));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Nested maps as rows of dotted keys; lists and other values as JSON text. */
    static List<List<String>> flatten(Map<String, Object> m) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", m, flat);
        List<List<String>> rows = new ArrayList<>();
        flat.forEach((k, v) -> rows.add(List.of(k, v)));
        return rows;
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, String> out) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> sub && !sub.isEmpty()) {
                flatten(key + ".", sub, out);
            } else if (e.getValue() instanceof String s) {
                out.put(key, s);
            } else if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?> || e.getValue() == null) {
                out.put(key, Json.write(e.getValue()));
            } else {
                out.put(key, Formats.scalar(e.getValue()));
            }
        }
    }

    private static String joinLongs(List<Long> l) {
        StringBuilder sb = new StringBuilder();
        for (Long v : l) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(v);
        }
        return sb.toString();
    }
}
