package org.siftfunnel.engine.backend.timing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time per backend operation: calls and total nanoseconds per op name ({@code gemm},
 * {@code conv2d}, {@code unary/RELU}, {@code conv2d/im2col}...). A backend that can time its
 * kernels offers one through {@link org.siftfunnel.engine.backend.Backend#opTimings()}; what a
 * time means depends on the backend and is said by {@link #measures()} (device time from
 * profiling events on OpenCL, wall time of each call on the CPU).
 *
 * <p>Recording happens only while {@link #enabled()}. A synchronous backend brackets a kernel
 * with {@link #start()} and {@link #stop(String, long)}; while disabled that is one volatile
 * read and no clock call, so an instrumented backend costs nothing measurable unless asked.
 * Thread-safe.
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

    /** What {@link #start()} returns while disabled; {@link #stop} then records nothing. */
    private static final long NOT_TIMED = Long.MIN_VALUE;

    private final Map<String, long[]> totals = new LinkedHashMap<>();
    private final String measures;
    private final Runnable flush;
    private volatile boolean enabled;

    /**
     * @param measures what one recorded time is, for the table's heading (e.g. "wall time of each kernel call")
     * @param flush    collects timings of work still in flight (an asynchronous device queue); run before every read
     * @param enabled  whether recording starts switched on
     */
    public OpTimings(String measures, Runnable flush, boolean enabled) {
        this.measures = measures;
        this.flush = flush;
        this.enabled = enabled;
    }

    /** A recorder for a synchronous backend, switched off until {@link #setEnabled(boolean) enabled}. */
    public OpTimings(String measures) {
        this(measures, () -> {
        }, false);
    }

    /** What one recorded time is. */
    public String measures() {
        return measures;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Switches recording on or off; what was recorded stays until {@link #reset()}. */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    /** The clock now when recording, else a marker that makes {@link #stop} do nothing. */
    public long start() {
        return enabled ? System.nanoTime() : NOT_TIMED;
    }

    /** Records the time since {@code start} (a value of {@link #start()}) under {@code op}. */
    public void stop(String op, long start) {
        if (start != NOT_TIMED) {
            record(op, System.nanoTime() - start);
        }
    }

    /** Adds one call of {@code op} that took {@code nanos}; ignored while disabled. */
    public void record(String op, long nanos) {
        if (!enabled) {
            return;
        }
        synchronized (this) {
            long[] t = totals.get(op);
            if (t == null) {
                t = new long[2];
                totals.put(op, t);
            }
            t[0]++;
            t[1] += nanos;
        }
    }

    /** Forgets everything recorded so far (after collecting work in flight). */
    public void reset() {
        flush.run();
        synchronized (this) {
            totals.clear();
        }
    }

    /** The totals so far, largest total time first (ties by name). */
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

    /**
     * A printable table: op, calls, total ms, share of the recorded total in %, mean µs per call,
     * then a total line. "(nothing recorded)" when empty.
     */
    public String table() {
        return table(snapshot());
    }

    /** {@link #table()} of given entries. */
    public static String table(List<Entry> entries) {
        if (entries.isEmpty()) {
            return "(nothing recorded)" + System.lineSeparator();
        }
        int width = "total".length();
        long calls = 0;
        long nanos = 0;
        for (Entry e : entries) {
            width = Math.max(width, e.op().length());
            calls += e.calls();
            nanos += e.totalNanos();
        }
        String header = "%-" + width + "s %10s %12s %7s %12s%n";
        String row = "%-" + width + "s %10d %12.3f %6.1f%% %12.1f%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, header, "op", "calls", "total ms", "%", "mean µs"));
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, row, e.op(), e.calls(), e.totalMillis(),
                    nanos == 0 ? 0.0 : 100.0 * e.totalNanos() / nanos, e.meanMicros()));
        }
        sb.append(String.format(Locale.ROOT, row, "total", calls, nanos / 1e6, nanos == 0 ? 0.0 : 100.0,
                calls == 0 ? 0.0 : nanos / 1e3 / calls));
        return sb.toString();
    }
}
