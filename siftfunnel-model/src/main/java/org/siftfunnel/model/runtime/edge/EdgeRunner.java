package org.siftfunnel.model.runtime.edge;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Sends a set of inputs through an {@link EdgeClient} in batches and prints what the
 * {@code edge} command and the standalone edge jar show: one line per input (up to a limit)
 * and the timing breakdown. Shared by both so that they print the same thing.
 */
public final class EdgeRunner {
    /** Inputs listed one per line; the rest are summarised. */
    public static final int LISTED = 20;

    private EdgeRunner() {
    }

    /** Every input's predicted class, and the timings of each request, in order. */
    public record Run(int[] classes, float[][] probabilities, List<EdgeResult.Timing> timings) {
    }

    /** Runs {@code images} in batches of {@code batch} (one request each). */
    public static Run run(EdgeClient client, Tensor images, int batch) throws IOException, InterruptedException {
        int n = images.size(0);
        int[] classes = new int[n];
        float[][] probs = new float[n][];
        List<EdgeResult.Timing> timings = new ArrayList<>();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            EdgeResult r = client.infer(n <= batch ? images : images.slice(0, from, to));
            System.arraycopy(r.classes(), 0, classes, from, to - from);
            System.arraycopy(r.probabilities(), 0, probs, from, to - from);
            timings.add(r.timing());
        }
        return new Run(classes, probs, timings);
    }

    /** Prints predictions (with class names when known) and the timing breakdown. */
    public static void print(Run run, List<String> names, List<String> classNames, PrintStream out) {
        int n = run.classes().length;
        for (int i = 0; i < Math.min(n, LISTED); i++) {
            int c = run.classes()[i];
            String label = classNames == null ? "" : " (" + classNames.get(c) + ")";
            out.printf(Locale.ROOT, "  %-28s class %d%s, p=%.3f%n", names.get(i), c, label, run.probabilities()[i][c]);
        }
        if (n > LISTED) {
            out.println("  ... (" + (n - LISTED) + " more)");
        }
        List<EdgeResult.Timing> t = run.timings();
        long sent = t.stream().mapToLong(EdgeResult.Timing::bytesSent).sum();
        long received = t.stream().mapToLong(EdgeResult.Timing::bytesReceived).sum();
        out.printf(Locale.ROOT, "timing over %d request%s (%d input%s), per request: median [min, max]%n", t.size(), t.size() == 1 ? "" : "s",
                n, n == 1 ? "" : "s");
        out.println("  edge compute   " + ms(t.stream().mapToLong(EdgeResult.Timing::edgeNanos).toArray()));
        out.println("  encode         " + ms(t.stream().mapToLong(EdgeResult.Timing::encodeNanos).toArray()));
        out.println("  round trip     " + ms(t.stream().mapToLong(EdgeResult.Timing::roundTripNanos).toArray()));
        long[] cloud = t.stream().mapToLong(EdgeResult.Timing::cloudNanos).filter(x -> x >= 0).toArray();
        out.println("  cloud compute  " + (cloud.length == 0 ? "not reported" : ms(cloud)) + "   (reported by the server)");
        out.printf(Locale.ROOT, "  bytes sent     %d (%.1f per input), received %d%n", sent, sent / (double) n, received);
    }

    private static String ms(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.3f ms [%.3f, %.3f]", s[s.length / 2] / 1e6, s[0] / 1e6, s[s.length - 1] / 1e6);
    }

    /**
     * Median and 95th percentile of single-input edge compute over {@code repeats} runs after
     * {@code warmup} untimed ones (input 0 of {@code images}); in nanoseconds.
     */
    public static long[] edgeLatency(EdgeClient client, Tensor images, int warmup, int repeats) {
        Tensor one = images.slice(0, 0, 1);
        for (int i = 0; i < warmup; i++) {
            client.features(one);
        }
        long[] t = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            client.features(one);
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return new long[] {t[repeats / 2], t[Math.min(repeats - 1, (int) Math.ceil(repeats * 0.95) - 1)]};
    }
}
