package org.siftfunnel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.siftfunnel.model.report.Claim;
import org.siftfunnel.model.report.Reports;

/** {@code ./siftfunnel report DIR}: re-renders the report of a finished or partial evaluation folder. */
final class ReportCommand implements Command {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "render DIR/report.md, DIR/report.html and DIR/figures from an evaluation folder";
    }

    @Override
    public String description() {
        return "./siftfunnel report DIR reads DIR/results.json, DIR/recon/*/*.safetensors and\n"
                + "DIR/train/*/metrics.jsonl (as ./siftfunnel evaluate writes them) and writes DIR/report.md,\n"
                + "a self-contained DIR/report.html (figures embedded) and DIR/figures/*.png. Works on a partial\n"
                + "evaluation: the report says what is absent. The paper's claims are checked from the numbers\n"
                + "(PASS / FAIL / NOT MEASURED).";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public int run(Options options) throws Exception {
        List<String> args = options.positional();
        if (args.size() != 1) {
            throw new UsageException(name() + ": expects one evaluation folder, e.g. ./siftfunnel report runs/demo"
                    + (args.isEmpty() ? "" : " (got " + args.size() + " arguments)"));
        }
        Path dir = Path.of(args.get(0));
        if (!Files.isDirectory(dir)) {
            throw new UsageException(name() + ": " + dir + " is not a folder");
        }
        if (!Files.isRegularFile(dir.resolve(Reports.RESULTS))) {
            throw new UsageException(name() + ": " + dir.resolve(Reports.RESULTS) + " not found (./siftfunnel evaluate --out "
                    + dir + " writes it)");
        }
        Reports.WrittenReport r = Reports.write(dir);
        for (Claim c : r.claims()) {
            System.out.printf("%-13s %s%n", c.verdict().label(), c.statement());
        }
        System.out.println("wrote " + r.markdown() + ", " + r.html() + " and " + r.figures().size() + " figures in "
                + r.markdown().resolveSibling(Reports.FIGURES));
        if (!r.absent().isEmpty()) {
            System.out.println("not in this run: " + r.absent().size() + " items (listed at the end of the report)");
        }
        return 0;
    }
}
