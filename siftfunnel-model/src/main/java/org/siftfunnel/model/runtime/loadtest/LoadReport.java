package org.siftfunnel.model.runtime.loadtest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load test measured.
 *
 * @param clients        concurrent client threads
 * @param requests       requests answered (successfully or not)
 * @param samples        samples in the successful requests
 * @param errors         failed requests (an error status, a transport failure or an unreadable answer)
 * @param errorKinds     failures by kind (HTTP status and code, or exception)
 * @param mismatches     samples whose class differed from the local full model's
 * @param elapsedNanos   wall time from the first request to the last answer
 * @param latencyNanos   the latency of every successful request, sorted
 * @param stoppedByTime  whether the time limit ended the test before all requests were sent
 */
public record LoadReport(int clients, long requests, long samples, long errors, Map<String, Long> errorKinds, long mismatches,
                         long elapsedNanos, long[] latencyNanos, boolean stoppedByTime) {
    public LoadReport {
        errorKinds = new TreeMap<>(errorKinds);
        latencyNanos = latencyNanos.clone();
        Arrays.sort(latencyNanos);
    }

    /** Requests per second. */
    public double throughput() {
        return elapsedNanos <= 0 ? 0 : requests * 1e9 / elapsedNanos;
    }

    /** The {@code q}-quantile (0..1) of the successful requests' latency in milliseconds (nearest rank), NaN without any. */
    public double percentileMillis(double q) {
        if (latencyNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * latencyNanos.length);
        return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, rank - 1))] / 1e6;
    }

    /** Every request answered, none failed, every class as predicted locally. */
    public boolean clean() {
        return errors == 0 && mismatches == 0 && requests > 0;
    }

    /** A few lines for people. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d requests (%d samples) from %d clients in %.2f s%s%n", requests, samples, clients,
                elapsedNanos / 1e9, stoppedByTime ? " (stopped by the time limit)" : ""));
        sb.append(String.format(Locale.ROOT, "throughput %.1f requests/s (%.1f samples/s)%n", throughput(),
                elapsedNanos <= 0 ? 0 : samples * 1e9 / elapsedNanos));
        sb.append(String.format(Locale.ROOT, "latency p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms%n", percentileMillis(0.50),
                percentileMillis(0.95), percentileMillis(0.99), percentileMillis(1.0)));
        sb.append("errors ").append(errors).append(errorKinds.isEmpty() ? "" : " " + errorKinds).append(", class mismatches ")
                .append(mismatches).append(" (against the local full model)").append('\n');
        return sb.toString();
    }
}
