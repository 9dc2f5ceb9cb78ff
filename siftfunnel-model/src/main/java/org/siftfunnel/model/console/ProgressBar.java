package org.siftfunnel.model.console;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA, redrawn in place on a terminal and printed
 * sparsely (every 10%) when output goes to a file or CI log.
 */
public final class ProgressBar {
    private static final int WIDTH = 28;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final boolean interactive;
    private long lastDraw;
    private int lastDecile = -1;

    public ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.interactive = System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Updates to {@code done} of {@code total}; {@code info} is appended (loss values...). */
    public void update(long done, String info) {
        long now = System.nanoTime();
        int decile = (int) (10 * done / total);
        if (interactive) {
            if (done < total && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            out.print("\r" + line(done, info, now) + "\u001b[K");
            out.flush();
        } else if (decile != lastDecile || done == total) {
            lastDecile = decile;
            if (done == total || decile > 0) {
                out.println(line(done, info, now));
            }
        }
    }

    /** Finishes the line. */
    public void done(String info) {
        update(total, info);
        if (interactive) {
            out.println();
        }
    }

    private String line(long done, String info, long now) {
        double elapsed = (now - startNanos) / 1e9;
        int filled = (int) (WIDTH * done / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String eta = done == 0 ? "?" : formatSeconds(elapsed * (total - done) / done);
        return String.format(Locale.ROOT, "%s [%s] %d/%d %s elapsed, eta %s %s", label, bar, done, total,
                formatSeconds(elapsed), done >= total ? "0s" : eta, info == null ? "" : info);
    }

    public static String formatSeconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", s);
        }
        long t = Math.round(s);
        return t < 3600 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60)
                : String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
}
