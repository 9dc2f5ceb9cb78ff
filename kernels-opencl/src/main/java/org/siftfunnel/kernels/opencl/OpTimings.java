package org.siftfunnel.kernels.opencl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device time per operation, accumulated from the profiling events of every command the
 * backend enqueues (kernels, fills, copies, transfers). Times are the device's own
 * START→END stamps, so they exclude queueing and host overhead.
 */
public final class OpTimings {
    /** One operation's totals. */
    public record Entry(String op, long calls, long totalNanos) {
        public double totalMillis() {
            return totalNanos / 1e6;
        }

        public double meanMicros() {
            return calls == 0 ? 0 : totalNanos / 1e3 / calls;
        }
    }

    private final Map<String, long[]> totals = new LinkedHashMap<>();
    private final Runnable flush;

    /** @param flush collects the timings of commands still in flight; run before every read */
    OpTimings(Runnable flush) {
        this.flush = flush;
    }

    synchronized void record(String op, long nanos) {
        long[] t = totals.computeIfAbsent(op, k -> new long[2]);
        t[0]++;
        t[1] += nanos;
    }

    /** Forgets everything recorded so far (after waiting for commands in flight). */
    public void reset() {
        flush.run();
        synchronized (this) {
            totals.clear();
        }
    }

    /** The totals so far, largest total time first. */
    public List<Entry> snapshot() {
        flush.run();
        List<Entry> list = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, long[]> e : totals.entrySet()) {
                list.add(new Entry(e.getKey(), e.getValue()[0], e.getValue()[1]));
            }
        }
        list.sort(Comparator.comparingLong(Entry::totalNanos).reversed().thenComparing(Entry::op));
        return list;
    }

    /** A printable table with the columns op, calls, total ms, mean µs and a total line. */
    public String table() {
        List<Entry> entries = snapshot();
        int width = "op".length();
        for (Entry e : entries) {
            width = Math.max(width, e.op().length());
        }
        StringBuilder sb = new StringBuilder();
        String header = "%-" + width + "s %10s %12s %12s%n";
        String row = "%-" + width + "s %10d %12.3f %12.1f%n";
        sb.append(String.format(header, "op", "calls", "total ms", "mean µs"));
        long calls = 0;
        long nanos = 0;
        for (Entry e : entries) {
            sb.append(String.format(row, e.op(), e.calls(), e.totalMillis(), e.meanMicros()));
            calls += e.calls();
            nanos += e.totalNanos();
        }
        sb.append(String.format(row, "total", calls, nanos / 1e6, calls == 0 ? 0.0 : nanos / 1e3 / calls));
        return sb.toString();
    }
}
