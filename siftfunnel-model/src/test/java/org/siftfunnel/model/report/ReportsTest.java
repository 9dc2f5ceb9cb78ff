package org.siftfunnel.model.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {
    @TempDir
    Path tmp;

    private Reports.WrittenReport render(EvaluationFixture f, String name) throws IOException {
        Path dir = tmp.resolve(name);
        f.write(dir);
        return Reports.write(dir);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private static Map<String, Verdict> verdicts(Reports.WrittenReport r) {
        Map<String, Verdict> m = new java.util.LinkedHashMap<>();
        r.claims().forEach(c -> m.put(c.id(), c.verdict()));
        return m;
    }

    @Test
    void aFigureThatCannotBeDrawnIsNotedInsteadOfFailingTheReport() {
        java.util.List<String> absent = new java.util.ArrayList<>();
        // What the JDK throws on a headless machine without fonts (seen on a GPU server).
        assertNull(Reports.tryDraw("plane_ssim.png", () -> {
            throw new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration");
        }, absent));
        assertEquals(1, absent.size());
        assertTrue(absent.get(0).startsWith("Figure plane_ssim.png could not be drawn (RuntimeException: Fontconfig head is null"),
                absent.get(0));
        assertTrue(absent.get(0).contains("apt-get install fontconfig fonts-dejavu-core"), absent.get(0));
        assertNull(Reports.tryDraw("curves.png", () -> {
            throw new InternalError("could not load native library");
        }, absent));
        assertFalse(absent.get(1).contains("fontconfig"), "only a font problem gets the font hint: " + absent.get(1));
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
        assertSame(image, Reports.tryDraw("x.png", () -> java.util.Optional.of(image), absent).orElseThrow());
        assertEquals(2, absent.size());
    }

    @Test
    void writesEveryFileAndFiguresDecodeAtTheirSizes() throws IOException {
        Reports.WrittenReport r = render(new EvaluationFixture(), "full");
        assertTrue(Files.isRegularFile(r.markdown()));
        assertTrue(Files.isRegularFile(r.html()));
        Path figures = r.markdown().resolveSibling("figures");
        Map<String, int[]> expected = Map.of(
                // 1 row of originals + 4 defenses × 2 attacks, 8 columns of 8×8 images enlarged 12×.
                Reports.GRID_PNG, new int[] {ReconstructionGrid.LABEL_WIDTH + 8 * (96 + ReconstructionGrid.GAP) + ReconstructionGrid.GAP,
                        ReconstructionGrid.HEADER_HEIGHT + 9 * (96 + ReconstructionGrid.GAP) + ReconstructionGrid.GAP},
                Reports.PLANE_SSIM_PNG, new int[] {PrivacyUtilityFigure.WIDTH, PrivacyUtilityFigure.HEIGHT},
                Reports.PLANE_ACCURACY_PNG, new int[] {PrivacyUtilityFigure.WIDTH, PrivacyUtilityFigure.HEIGHT},
                Reports.MI_PNG, new int[] {DefenseBarFigure.WIDTH, DefenseBarFigure.HEIGHT},
                Reports.DELTA_Z_PNG, new int[] {DefenseBarFigure.WIDTH, DefenseBarFigure.HEIGHT},
                Reports.CURVES_PNG, new int[] {TrainingCurveFigure.WIDTH, TrainingCurveFigure.HEIGHT});
        assertEquals(expected.size(), r.figures().size(), r.figures().toString());
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            BufferedImage img = ImageIO.read(figures.resolve(e.getKey()).toFile());
            assertNotNull(img, e.getKey());
            assertEquals(e.getValue()[0], img.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], img.getHeight(), e.getKey());
        }
        assertEquals(96, 8 * ReconstructionGrid.scale(8, 8));
    }

    @Test
    void gridShowsOriginalsAndReconstructionsPixelForPixel() throws IOException {
        Reports.WrittenReport r = render(new EvaluationFixture(), "grid");
        BufferedImage img = ImageIO.read(r.markdown().resolveSibling("figures").resolve(Reports.GRID_PNG).toFile());
        float[] x = EvaluationFixture.originals();
        int s = ReconstructionGrid.scale(8, 8);
        // Image 2 (index 1), pixel (y=3, x=5), in the originals row: every pixel of its s × s block.
        int n = 1;
        int py = 3;
        int px = 5;
        int plane = 64;
        int base = n * 3 * plane + py * 8 + px;
        int expected = Math.round(x[base] * 255) << 16 | Math.round(x[base + plane] * 255) << 8 | Math.round(x[base + 2 * plane] * 255);
        int left = ReconstructionGrid.LABEL_WIDTH + ReconstructionGrid.GAP + n * (8 * s + ReconstructionGrid.GAP) + px * s;
        int top = ReconstructionGrid.HEADER_HEIGHT + py * s;
        for (int dy = 0; dy < s; dy++) {
            for (int dx = 0; dx < s; dx++) {
                assertEquals(expected, img.getRGB(left + dx, top + dy) & 0xFFFFFF);
            }
        }
    }

    @Test
    void markdownHasTheTablesClaimsStrongestAttackAndFigureLinks() throws IOException {
        Reports.WrittenReport r = render(new EvaluationFixture(), "md");
        String md = read(r.markdown());
        assertTrue(md.contains("| siftfunnel |  | 89.50% ± 0.40% | yes | 0.100 ± 0.004 | 0.300 ± 0.020 | 0.500 ± 0.100 |"), md);
        assertTrue(md.contains("| nopeek | lambda=0.5 | 90.00% ± 0.40% | yes |"), md);
        assertTrue(md.contains("| siftfunnel | 9,202 | 6.20 M | 3,072 | 0.800 ms | 0.130 |"), md);
        assertTrue(md.contains("### Attack: blackbox"), md);
        assertTrue(md.contains("### Attack: whitebox-paper"), md);
        // Black-box row of siftfunnel: MSE, PSNR, SSIM, attack accuracy, paper-compatible MSE.
        assertTrue(md.contains("| siftfunnel | 0.06000 ± 0.003000 | 12.22 | 0.2500 ± 0.0200 | 30.00% ± 1.00% | 0.1800 |"), md);
        assertTrue(md.contains("| blackbox | strongest, paper: black-box decoder |"), md);
        assertTrue(md.contains("| whitebox-paper | paper: white-box rMLE |"), md);
        assertTrue(md.contains("| sigma=1.5 |  | 80.00% | no |"), md);
        assertTrue(md.contains("| sigma=0.8 | chosen | 89.00% | yes |"), md);
        assertTrue(md.contains("| git_commit | 0123456789abcdef |"), md);
        assertFalse(md.contains("Mixed builds"), "one build: no note");
        assertTrue(md.contains("| data.hashes.train.npz | ab12cd34 |"), md);
        assertTrue(md.contains("| total | 10 min 13 s |"), md);
        assertTrue(md.contains("| seeds | 1, 2, 3 |"), md);
        assertTrue(md.contains("| siftfunnel | black-box SSIM | 0.2500 | 0.3000 | 0.3500 |"), md);
        for (Path f : r.figures()) {
            assertTrue(md.contains("](figures/" + f.getFileName() + ")"), f.toString());
        }
        for (Claim c : r.claims()) {
            assertTrue(md.contains("| " + MarkdownRenderer.inline(c.statement()) + " | " + c.verdict().label() + " |"), c.toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void resultsFromSeveralBuildsSaySo() throws IOException {
        EvaluationFixture f = new EvaluationFixture();
        Map<String, Object> env = (Map<String, Object>) f.results.get("environment");
        env.put("stage_builds", new java.util.TreeMap<>(Map.of("0123456789abcdef", 40, "fedcba9876543210", 24)));
        env.put("stages_from_other_builds", 24);
        String md = read(render(f, "md").markdown());
        assertTrue(md.contains("| stage_builds.fedcba9876543210 | 24 |"), md);
        assertTrue(md.contains("Mixed builds: 24 of the stages behind these results were computed by other builds than 0123456789abcdef"), md);
    }

    @Test
    void claimsPassOnTheFixtureWithTheNumbersUsed() throws IOException {
        Reports.WrittenReport r = render(new EvaluationFixture(), "pass");
        Map<String, Verdict> v = verdicts(r);
        assertEquals(List.of("accuracy", "ssim-vs-undefended", "mse-vs-baseline", "mine-vs-baseline", "mine-vs-undefended",
                "deltaz-vs-baseline", "deltaz-vs-undefended"), List.copyOf(v.keySet()));
        v.forEach((id, verdict) -> assertEquals(Verdict.PASS, verdict, id));
        String md = read(r.markdown());
        // 0.06 / 0.04: nopeek is the strongest comparable baseline; noise at sigma 1.5 has a higher MSE but is not comparable.
        assertTrue(md.contains("strongest comparable baseline nopeek (lambda=0.5) 0.04000 ± 0.002000: ratio 1.500 (needs ≥ 1.3)"), md);
        assertTrue(md.contains("not comparable: noise (sigma=1.5) at 80.00%"), md);
        assertTrue(md.contains("siftfunnel 89.50% ± 0.40%, none 91.00% ± 0.40%: 1.50 points lower (limit 3.00)"), md);
        assertTrue(md.contains("ratio 0.417 (needs ≤ 0.5)"), md); // SSIM 0.25 / 0.60
        assertTrue(md.contains("ratio 0.250 (needs ≤ 0.5)"), md); // MINE 0.5 / 2.0
    }

    @Test
    void claimsFailWhenTheNumbersSaySo() throws IOException {
        EvaluationFixture f = new EvaluationFixture();
        f.defense("siftfunnel").put("accuracy", 0.85);
        f.attack("siftfunnel", "blackbox").put("ssim", 0.35);
        f.attack("siftfunnel", "blackbox").put("mse", 0.045);
        f.defense("siftfunnel").put("mine_corrected", 0.7);
        f.defense("siftfunnel").put("delta_z_ratio", 0.4);
        Reports.WrittenReport r = render(f, "fail");
        Map<String, Verdict> v = verdicts(r);
        assertEquals(Verdict.FAIL, v.get("accuracy"));
        assertEquals(Verdict.FAIL, v.get("ssim-vs-undefended"));
        assertEquals(Verdict.FAIL, v.get("mse-vs-baseline"));
        assertEquals(Verdict.FAIL, v.get("mine-vs-baseline")); // 0.7 > 0.5 × 1.2
        assertEquals(Verdict.PASS, v.get("mine-vs-undefended")); // 0.7 ≤ 0.5 × 2.0
        assertEquals(Verdict.FAIL, v.get("deltaz-vs-baseline"));
        assertEquals(Verdict.FAIL, v.get("deltaz-vs-undefended"));
        String md = read(r.markdown());
        assertTrue(md.contains("6.00 points lower (limit 3.00)"), md);
        assertTrue(md.contains("ratio 1.125 (needs ≥ 1.3)"), md);
        assertTrue(md.contains("| FAIL |"), md);
    }

    @Test
    void mineClaimsAreInconclusiveWhenTheEstimatesSitAtZero() throws IOException {
        // A critic trained for a few steps (the demo) estimates about 0 nats for every defense;
        // 0 ≤ 0.5 × 0 must not read as a PASS.
        EvaluationFixture f = new EvaluationFixture();
        for (String d : List.of("none", "noise", "nopeek", "siftfunnel")) {
            f.defense(d).put("mine_corrected", 0.0);
        }
        Reports.WrittenReport r = render(f, "mine-zero");
        Map<String, Verdict> v = verdicts(r);
        assertEquals(Verdict.INCONCLUSIVE, v.get("mine-vs-baseline"));
        assertEquals(Verdict.INCONCLUSIVE, v.get("mine-vs-undefended"));
        assertEquals(Verdict.PASS, v.get("deltaz-vs-undefended"));
        String md = read(r.markdown());
        assertTrue(md.contains("| INCONCLUSIVE |"), md);
        assertTrue(md.contains("is at or below the measurement's floor (0.01)"), md);
    }

    @Test
    void comparabilityIsComputedFromAccuracyWhenNotRecorded() throws IOException {
        EvaluationFixture f = new EvaluationFixture();
        stripComparable(f);
        assertEquals(Verdict.PASS, verdicts(render(f, "computed")).get("mse-vs-baseline"));
        // A wider band makes noise at sigma 1.5 (MSE 0.08, accuracy 80%) comparable: 0.06 < 1.3 × 0.08.
        f.results.put("comparable_within", 0.2);
        Reports.WrittenReport r = render(f, "wide");
        assertEquals(Verdict.FAIL, verdicts(r).get("mse-vs-baseline"));
        assertTrue(read(r.markdown()).contains("strongest comparable baseline noise (sigma=1.5) 0.08000: ratio 0.750"));
    }

    @SuppressWarnings("unchecked")
    private static void stripComparable(EvaluationFixture f) {
        for (String d : EvaluationFixture.DEFENSES) {
            f.defense(d).remove("comparable");
            for (Object p : (List<Object>) f.defense(d).getOrDefault("sweep", List.of())) {
                ((Map<String, Object>) p).remove("comparable");
            }
        }
    }

    @Test
    void htmlIsSelfContainedAndEmbedsEveryFigure() throws IOException {
        Reports.WrittenReport r = render(new EvaluationFixture(), "html");
        String html = read(r.html());
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("//cdn") || html.contains("@import"), "external reference");
        Matcher src = Pattern.compile("(src|href)=\"([^\"]*)\"").matcher(html);
        int embedded = 0;
        while (src.find()) {
            assertTrue(src.group(2).startsWith("data:image/png;base64,"), src.group());
            embedded++;
        }
        assertEquals(r.figures().size(), embedded);
        for (Path f : r.figures()) {
            String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(f));
            assertTrue(html.contains("data:image/png;base64," + b64 + "\""), f.toString());
        }
        assertTrue(html.contains("<td class=\"verdict-PASS\">PASS</td>"), "verdict cells");
        assertTrue(html.contains("<td>siftfunnel</td>"));
    }

    @Test
    void renderingIsDeterministic() throws IOException {
        Reports.WrittenReport a = render(new EvaluationFixture(), "a");
        Reports.WrittenReport b = render(new EvaluationFixture(), "b");
        assertArrayEquals(Files.readAllBytes(a.markdown()), Files.readAllBytes(b.markdown()));
        assertArrayEquals(Files.readAllBytes(a.html()), Files.readAllBytes(b.html()));
        for (int i = 0; i < a.figures().size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.figures().get(i)), Files.readAllBytes(b.figures().get(i)), a.figures().get(i).toString());
        }
        // Re-rendering in place gives the same bytes too.
        byte[] before = Files.readAllBytes(a.html());
        Reports.write(a.markdown().getParent());
        assertArrayEquals(before, Files.readAllBytes(a.html()));
    }

    @Test
    void aPartialRunRendersWhatExistsAndSaysWhatIsAbsent() throws IOException {
        Path dir = tmp.resolve("partial");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), """
                {"format": "siftfunnel-results/1", "seeds": [7],
                 "timings": {"total_s": 5.0, "note": "total_s is this invocation's wall time"},
                 "sweep_rule": "the lowest black-box SSIM among comparable settings",
                 "defenses": {
                   "none": {"accuracy": 0.9, "attacks": {"blackbox": {"mse": 0.02, "ssim": 0.6, "psnr": null, "psnr_std": null}}},
                   "siftfunnel": {"accuracy": 0.89, "attacks": {"blackbox": {"mse": 0.05, "ssim": 0.2}}},
                   "dropout": {"params": {"rate": 0.8}, "accuracy": 0.7, "note": "a key this reader does not know"}
                 }}
                """);
        // A stale figure of an earlier, fuller render must not survive.
        Files.createDirectories(dir.resolve("figures"));
        Files.writeString(dir.resolve("figures").resolve(Reports.MI_PNG), "stale");
        Reports.WrittenReport r = Reports.write(dir);
        Map<String, Verdict> v = verdicts(r);
        assertEquals(Verdict.PASS, v.get("accuracy"));
        assertEquals(Verdict.PASS, v.get("ssim-vs-undefended"));
        assertEquals(Verdict.NOT_MEASURED, v.get("mse-vs-baseline")); // dropout is not comparable and was not attacked
        assertEquals(Verdict.NOT_MEASURED, v.get("mine-vs-baseline"));
        assertEquals(Verdict.NOT_MEASURED, v.get("deltaz-vs-undefended"));
        assertFalse(Files.exists(dir.resolve("figures").resolve(Reports.MI_PNG)));
        List<String> names = r.figures().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of(Reports.PLANE_SSIM_PNG), names);
        String md = read(r.markdown());
        assertTrue(md.contains("| NOT MEASURED |"), md);
        assertTrue(md.contains("One seed only"), md);
        assertTrue(md.contains("No strength sweep"), md);
        assertTrue(md.contains("MINE was not measured."), md);
        assertTrue(md.contains("No attack results for: dropout."), md);
        assertTrue(md.contains("Reconstruction files missing for: none / blackbox (recon/none/blackbox.safetensors)"), md);
        assertTrue(md.contains("not comparable: dropout (rate=0.8) at 70.00%"), md);
        assertTrue(md.contains("| dropout | rate=0.8 | 70.00% |"), md);
        // Text in timings, keys the reader does not interpret and null numbers are shown or skipped, not errors.
        assertTrue(md.contains("note: total_s is this invocation's wall time"), md);
        assertTrue(md.contains("| sweep_rule | the lowest black-box SSIM among comparable settings |"), md);
        assertTrue(md.contains("| none | 0.02000 | – | 0.6000 | – |"), md);
        assertTrue(read(r.html()).contains("NOT MEASURED"));
    }

    @Test
    void emptyDefensesStillRender() throws IOException {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), "{\"defenses\": {}}");
        Reports.WrittenReport r = Reports.write(dir);
        assertTrue(r.figures().isEmpty());
        r.claims().forEach(c -> assertEquals(Verdict.NOT_MEASURED, c.verdict(), c.id()));
        assertTrue(read(r.markdown()).contains("No defense has results yet."));
    }

    @Test
    void malformedInputsGiveOneLineErrorsNamingTheFile() throws IOException {
        Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        Path results = dir.resolve("results.json");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"defenses\": {\"none\": ", "invalid JSON at character");
        cases.put("{\"defenses\": {\"none\": {\"accuracy\": \"high\"}}}", "defenses.none.accuracy: expected a number, got the string \"high\"");
        cases.put("{\"defenses\": {\"none\": {\"attacks\": {\"blackbox\": [1]}}}}", "defenses.none.attacks.blackbox: expected an object, got an array");
        cases.put("{\"defenses\": {\"none\": {\"accuracy_std\": 0.1}}}", "defenses.none.accuracy_std: a spread without its value");
        cases.put("{\"format\": \"siftfunnel-results/9\", \"defenses\": {}}", "format \"siftfunnel-results/9\" is not supported");
        cases.put("{\"arch\": \"cnn\"}", "no \"defenses\" object");
        cases.put("[1, 2]", "the top level: expected an object, got an array");
        cases.put("", "empty file");
        cases.put("{\"defenses\": {\"none\": {\"train_run\": \"../../etc\"}}}", "leaves the evaluation folder");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(results, c.getKey());
            ReportInputException e = assertThrows(ReportInputException.class, () -> Reports.write(dir), c.getKey());
            assertTrue(e.getMessage().startsWith(results.toAbsolutePath().normalize() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        Files.delete(results);
        ReportInputException missing = assertThrows(ReportInputException.class, () -> Reports.write(dir));
        assertTrue(missing.getMessage().contains("results.json: not found"), missing.getMessage());
    }

    @Test
    void badReconstructionAndMetricsFilesAreNamed() throws IOException {
        EvaluationFixture f = new EvaluationFixture();
        Path dir = tmp.resolve("badfiles");
        f.write(dir);
        Path metrics = dir.resolve("train/none-seed1/metrics.jsonl");
        Files.writeString(metrics, "{\"epoch\": 1}\nnot json\n{\"epoch\": 3}\n");
        ReportInputException e = assertThrows(ReportInputException.class, () -> Reports.write(dir));
        assertTrue(e.getMessage().contains("metrics.jsonl: line 2: invalid JSON"), e.getMessage());
        // A last line still being written (no newline yet) is skipped, not an error.
        Files.writeString(metrics, "{\"epoch\": 1, \"test_accuracy\": 0.5}\n{\"epoch\": 2, \"test_acc");
        Reports.write(dir);
        Path recon = dir.resolve("recon/nopeek/blackbox.safetensors");
        Files.writeString(recon, "garbage");
        e = assertThrows(ReportInputException.class, () -> Reports.write(dir));
        assertTrue(e.getMessage().contains("recon/nopeek/blackbox.safetensors"), e.getMessage());
    }
}
