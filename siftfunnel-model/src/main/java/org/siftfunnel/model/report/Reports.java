package org.siftfunnel.model.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Renders an evaluation folder into its report: reads {@code DIR/results.json},
 * {@code DIR/recon/<defense>/<attack>.safetensors} and the training runs' {@code metrics.jsonl},
 * and writes {@code DIR/report.md}, a self-contained {@code DIR/report.html} and
 * {@code DIR/figures/*.png}. Works on a partial evaluation: whatever is absent is left out and
 * listed under "Not in this run". Only a malformed input is an error
 * ({@link ReportInputException}, naming the file and the problem). The same inputs give
 * byte-identical outputs (no render time is written; every order is the file's order).
 */
public final class Reports {
    public static final String RESULTS = "results.json";
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";
    public static final String FIGURES = "figures";

    static final String GRID_PNG = "reconstructions.png";
    static final String PLANE_SSIM_PNG = "privacy-utility-ssim.png";
    static final String PLANE_ACCURACY_PNG = "privacy-utility-attack-accuracy.png";
    static final String MI_PNG = "mutual-information.png";
    static final String DELTA_Z_PNG = "delta-z.png";
    static final String CURVES_PNG = "training-curves.png";
    private static final List<String> ALL_FIGURES = List.of(GRID_PNG, PLANE_SSIM_PNG, PLANE_ACCURACY_PNG, MI_PNG, DELTA_Z_PNG, CURVES_PNG);

    static {
        // Charts and image composition need no display; must be set before AWT initialises.
        System.setProperty("java.awt.headless", "true");
    }

    /** What a render wrote, and what the run lacked. */
    public record WrittenReport(Path markdown, Path html, List<Path> figures, List<Claim> claims, List<String> absent) {
    }

    private final Path dir;
    private final Path figuresDir;
    private final EvaluationResults results;
    private final Map<String, Color> palette;
    private final List<String> absent = new ArrayList<>();
    private final List<Block.Figure> figures = new ArrayList<>();

    private Reports(Path dir, EvaluationResults results) {
        this.dir = dir;
        this.figuresDir = dir.resolve(FIGURES);
        this.results = results;
        this.palette = ChartStyle.palette(results.defenses().keySet());
    }

    /** Renders the report of the evaluation folder {@code dir}. */
    public static WrittenReport write(Path dir) throws IOException {
        // Absolute and normalised, so paths from results.json can be checked to stay inside it.
        Path abs = dir.toAbsolutePath().normalize();
        EvaluationResults results = ResultsReader.read(abs.resolve(RESULTS));
        return new Reports(abs, results).render();
    }

    private WrittenReport render() throws IOException {
        Files.createDirectories(figuresDir);
        noteMissingParts();
        try {
            reconstructionGrid();
        } catch (RuntimeException | LinkageError | InternalError e) {
            absent.add(drawingFailed(GRID_PNG, e));
        }
        figure(PLANE_SSIM_PNG, () -> PrivacyUtilityFigure.render(results, "ssim", palette),
                "Privacy–utility plane: test accuracy against black-box attack SSIM, one point per defense at its chosen "
                        + "setting (± std over seeds where measured); swept defenses draw their sweep as a curve.",
                "privacy–utility plane (SSIM): no defense has both an accuracy and a black-box SSIM");
        figure(PLANE_ACCURACY_PNG, () -> PrivacyUtilityFigure.render(results, "attack_accuracy", palette),
                "Privacy–utility plane: test accuracy against the accuracy of an independent classifier on the black-box "
                        + "reconstructions.",
                "privacy–utility plane (attack accuracy): no defense has both an accuracy and a black-box attack accuracy");
        figure(MI_PNG, () -> DefenseBarFigure.render(results, "Mutual information I(x; z) per defense (MINE)", "nats", List.of(
                        new DefenseBarFigure.Series("MINE (paper: sigmoid critic, max over epochs)", d -> d.metric("mine_paper")),
                        new DefenseBarFigure.Series("MINE (corrected: unbounded, held-out)", d -> d.metric("mine_corrected")))),
                "Mutual information between the input and the features per defense: the paper's MINE estimator and the "
                        + "corrected one.",
                "mutual-information chart: MINE was not run");
        figure(DELTA_Z_PNG, () -> DefenseBarFigure.render(results, "Effective information volume ΔZ/dim(z) per defense", "ΔZ / dim(z)",
                        List.of(new DefenseBarFigure.Series("ΔZ/dim", DefenseEntry::deltaZPerDim))),
                "Effective information volume: the mean share of non-zero feature elements per defense.",
                "ΔZ chart: ΔZ was not measured");
        var curves = trainingCurves();
        figure(CURVES_PNG, () -> TrainingCurveFigure.render(curves, palette),
                "Per-epoch test accuracy and training loss of each trained defense (first seed).",
                "training curves: no training run with a metrics.jsonl");
        List<Claim> claims = Claims.check(results);
        List<Block> blocks = ReportBuilder.build(results, claims, figures, absent);
        Path md = dir.resolve(MARKDOWN);
        Path html = dir.resolve(HTML);
        AtomicFiles.text(MarkdownRenderer.render(blocks), md);
        AtomicFiles.text(HtmlRenderer.render(ReportBuilder.TITLE, blocks, figuresDir), html);
        List<Path> written = new ArrayList<>();
        for (Block.Figure f : figures) {
            written.add(figuresDir.resolve(f.file()));
        }
        for (String name : ALL_FIGURES) {
            // A figure of an earlier render that this run can no longer draw would be stale.
            if (figures.stream().noneMatch(f -> f.file().equals(name))) {
                Files.deleteIfExists(figuresDir.resolve(name));
            }
        }
        return new WrittenReport(md, html, List.copyOf(written), claims, List.copyOf(absent));
    }

    private void figure(String file, Supplier<Optional<BufferedImage>> draw, String caption, String whyAbsent) throws IOException {
        Optional<BufferedImage> image = tryDraw(file, draw, absent);
        if (image == null) {
            return;
        }
        if (image.isEmpty()) {
            absent.add(capitalise(whyAbsent) + ".");
            return;
        }
        AtomicFiles.png(image.get(), figuresDir.resolve(file));
        figures.add(new Block.Figure(file, caption));
    }

    /**
     * Draws a figure; when drawing throws, notes why in {@code absent} and returns null (an empty
     * Optional means the run has nothing to draw).
     */
    static Optional<BufferedImage> tryDraw(String file, Supplier<Optional<BufferedImage>> draw, List<String> absent) {
        try {
            return draw.get();
        } catch (RuntimeException | LinkageError | InternalError e) {
            absent.add(drawingFailed(file, e));
            return null;
        }
    }

    /**
     * What the report says when Java2D cannot draw a figure. The usual cause is a headless machine
     * without fonts: the JDK's font manager then fails in the first text it lays out ("Fontconfig
     * head is null", "no fonts found"). The tables and claims do not need fonts, so the report is
     * still written, without that figure, instead of the evaluation failing at its very end.
     */
    static String drawingFailed(String file, Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        boolean fonts = message.toLowerCase(java.util.Locale.ROOT).contains("font");
        return "Figure " + file + " could not be drawn (" + message + ")"
                + (fonts ? "; this machine has no usable fonts: install fontconfig and a font (e.g. apt-get install fontconfig"
                + " fonts-dejavu-core) and rerun ./siftfunnel report" : "") + ".";
    }

    // ------------------------------------------------------------------ what the run lacks

    private void noteMissingParts() {
        Map<String, DefenseEntry> d = results.defenses();
        if (d.isEmpty()) {
            absent.add("No defense has results yet.");
            return;
        }
        if (!d.containsKey(results.referenceDefense())) {
            absent.add("The reference defense " + results.referenceDefense() + " has no results, so the claims about it are not measured.");
        }
        if (!d.containsKey(Claims.UNDEFENDED)) {
            absent.add("The undefended model (" + Claims.UNDEFENDED + ") has no results.");
        }
        if (results.seeds().size() < 2) {
            absent.add("One seed only: no standard deviations, no error bars.");
        }
        if (d.values().stream().allMatch(e -> e.sweep().isEmpty())) {
            absent.add("No strength sweep (--sweep): each defense is one point, not a privacy–utility curve.");
        }
        missingMetric("accuracy", "accuracy", d);
        missingMetric("mine_corrected", "MINE", d);
        missingMetric("edge_macs", "edge cost", d);
        List<String> noDeltaZ = d.values().stream().filter(e -> e.deltaZPerDim().isEmpty()).map(DefenseEntry::name).toList();
        if (!noDeltaZ.isEmpty()) {
            absent.add("ΔZ not measured for: " + String.join(", ", noDeltaZ) + ".");
        }
        List<String> noAttacks = d.values().stream().filter(e -> e.attacks().isEmpty()).map(DefenseEntry::name).toList();
        if (!noAttacks.isEmpty()) {
            absent.add("No attack results for: " + String.join(", ", noAttacks) + ".");
        }
    }

    private void missingMetric(String key, String what, Map<String, DefenseEntry> d) {
        List<String> missing = d.values().stream().filter(e -> e.metric(key).isEmpty()).map(DefenseEntry::name).toList();
        if (missing.size() == d.size()) {
            absent.add(capitalise(what) + " was not measured.");
        } else if (!missing.isEmpty()) {
            absent.add(capitalise(what) + " not measured for: " + String.join(", ", missing) + ".");
        }
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ------------------------------------------------------------------ reconstructions

    private void reconstructionGrid() throws IOException {
        List<ReconstructionGrid.Row> rows = new ArrayList<>();
        Path firstFile = null;
        List<String> missing = new ArrayList<>();
        for (DefenseEntry d : results.defenses().values()) {
            for (AttackEntry a : d.attacks().values()) {
                String rel = a.recon().orElse("recon/" + d.name() + "/" + a.name() + ".safetensors");
                Path file = inside(rel, "defenses." + d.name() + ".attacks." + a.name() + ".recon");
                if (!Files.isRegularFile(file)) {
                    missing.add(d.name() + " / " + a.name() + " (" + rel + ")");
                    continue;
                }
                ReconstructionFile f = ReconstructionFile.read(file);
                if (rows.isEmpty()) {
                    rows.add(new ReconstructionGrid.Row("original", f.original()));
                    firstFile = file;
                } else if (!f.reconstruction().sameShape(rows.get(0).images())) {
                    throw new ReportInputException(file, "images have shape " + f.reconstruction().shapeText() + " but "
                            + dir.relativize(firstFile) + " has " + rows.get(0).images().shapeText()
                            + " (every defense and attack must reconstruct the same images)");
                }
                rows.add(new ReconstructionGrid.Row(d.name() + " / " + a.name(), f.reconstruction()));
            }
        }
        if (!missing.isEmpty()) {
            absent.add("Reconstruction files missing for: " + String.join(", ", missing) + ".");
        }
        if (rows.isEmpty()) {
            absent.add("Reconstruction grid: no reconstruction file.");
            return;
        }
        ImageBatch first = rows.get(0).images();
        AtomicFiles.png(ReconstructionGrid.render(rows), figuresDir.resolve(GRID_PNG));
        figures.add(0, new Block.Figure(GRID_PNG, String.format(java.util.Locale.ROOT,
                "Originals (top row) and their reconstructions by each attack on each defense: %d private test images "
                        + "of %d×%d pixels, enlarged %d× with nearest-neighbour sampling.",
                Math.min(first.n(), ReconstructionGrid.MAX_COLUMNS), first.h(), first.w(), ReconstructionGrid.scale(first.h(), first.w()))));
    }

    // ------------------------------------------------------------------ training curves

    private List<EpochCurve> trainingCurves() throws IOException {
        List<EpochCurve> curves = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (DefenseEntry d : results.defenses().values()) {
            Optional<Path> run = d.trainRun().isPresent()
                    ? Optional.of(inside(d.trainRun().get(), "defenses." + d.name() + ".train_run"))
                    : firstSeedRun(d.name());
            if (run.isEmpty()) {
                continue; // an inference-time defense (noise, dropout) or one not trained yet
            }
            Path metrics = run.get().resolve("metrics.jsonl");
            if (!Files.isRegularFile(metrics)) {
                missing.add(d.name() + " (" + dir.relativize(metrics) + ")");
                continue;
            }
            curves.add(EpochCurve.read(d.name(), metrics));
        }
        if (!missing.isEmpty()) {
            absent.add("Training metrics missing for: " + String.join(", ", missing) + ".");
        }
        return curves;
    }

    /** {@code train/<name>-seed<k>} with the lowest k, when results.json does not name the run. */
    private Optional<Path> firstSeedRun(String defense) throws IOException {
        Path train = dir.resolve("train");
        if (!Files.isDirectory(train)) {
            return Optional.empty();
        }
        TreeMap<Long, Path> bySeed = new TreeMap<>();
        String prefix = defense + "-seed";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(train)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.length() > prefix.length() && n.substring(prefix.length()).chars().allMatch(Character::isDigit)
                        && n.length() - prefix.length() < 18 && Files.isDirectory(p)) {
                    bySeed.put(Long.parseLong(n.substring(prefix.length())), p);
                }
            }
        }
        return bySeed.isEmpty() ? Optional.empty() : Optional.of(bySeed.firstEntry().getValue());
    }

    /** A path from results.json, resolved in the evaluation folder; one that leaves the folder is an error. */
    private Path inside(String relative, String where) throws ReportInputException {
        Path p = dir.resolve(relative).normalize();
        if (!p.startsWith(dir)) {
            throw new ReportInputException(dir.resolve(RESULTS), where + ": path \"" + relative + "\" leaves the evaluation folder");
        }
        return p;
    }
}
