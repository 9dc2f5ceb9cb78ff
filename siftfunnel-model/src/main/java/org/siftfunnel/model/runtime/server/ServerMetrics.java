package org.siftfunnel.model.runtime.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, rendered in the Prometheus text exposition format (version 0.0.4).
 * Label values come from fixed sets (known endpoints, HTTP statuses, error codes), so the number
 * of series stays bounded whatever clients send.
 */
public final class ServerMetrics {
    /** Upper bounds of the latency histogram, in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();

    ServerMetrics() {
        for (int i = 0; i < BUCKETS.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    void error(String code) {
        errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /** One inference request's time from reading its body to writing its answer. */
    void inferLatency(long nanos) {
        double s = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (s <= BUCKETS[i]) {
                latencyBuckets[i].increment();
                break;
            }
        }
        latencyCount.increment();
        latencyNanos.add(nanos);
    }

    void bytesIn(long n) {
        bytesIn.add(n);
    }

    void bytesOut(long n) {
        bytesOut.add(n);
    }

    void samples(long n) {
        samples.add(n);
    }

    AtomicInteger inFlight() {
        return inFlight;
    }

    /** Requests answered with {@code status} on {@code endpoint} so far. */
    public long requests(String endpoint, int status) {
        LongAdder a = requests.get(endpoint + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    /** Refusals with an error code so far. */
    public long errors(String code) {
        LongAdder a = errors.get(code);
        return a == null ? 0 : a.sum();
    }

    /** The Prometheus text. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP siftfunnel_requests_total HTTP requests answered, by endpoint and status.\n");
        sb.append("# TYPE siftfunnel_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] parts = k.split("\u0000");
            sb.append("siftfunnel_requests_total{endpoint=\"").append(parts[0]).append("\",status=\"").append(parts[1]).append("\"} ")
                    .append(v.sum()).append('\n');
        });
        sb.append("# HELP siftfunnel_errors_total Refused requests, by error code.\n");
        sb.append("# TYPE siftfunnel_errors_total counter\n");
        new TreeMap<>(errors).forEach((k, v) -> sb.append("siftfunnel_errors_total{code=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
        sb.append("# HELP siftfunnel_infer_latency_seconds Time to answer a successful /v1/infer request (body read to answer written).\n");
        sb.append("# TYPE siftfunnel_infer_latency_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            sb.append("siftfunnel_infer_latency_seconds_bucket{le=\"").append(format(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
        }
        long count = latencyCount.sum();
        sb.append("siftfunnel_infer_latency_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
        sb.append("siftfunnel_infer_latency_seconds_sum ").append(format(latencyNanos.sum() / 1e9)).append('\n');
        sb.append("siftfunnel_infer_latency_seconds_count ").append(count).append('\n');
        counter(sb, "siftfunnel_received_bytes_total", "Request body bytes received.", bytesIn.sum());
        counter(sb, "siftfunnel_sent_bytes_total", "Response body bytes sent.", bytesOut.sum());
        counter(sb, "siftfunnel_inferred_samples_total", "Feature samples run through the cloud model.", samples.sum());
        Runtime rt = Runtime.getRuntime();
        sb.append("# HELP siftfunnel_jvm_heap_used_bytes Heap in use now (watch it stay flat under load).\n");
        sb.append("# TYPE siftfunnel_jvm_heap_used_bytes gauge\n");
        sb.append("siftfunnel_jvm_heap_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
        sb.append("# HELP siftfunnel_jvm_heap_max_bytes The heap limit (-Xmx).\n");
        sb.append("# TYPE siftfunnel_jvm_heap_max_bytes gauge\n");
        sb.append("siftfunnel_jvm_heap_max_bytes ").append(rt.maxMemory()).append('\n');
        sb.append("# HELP siftfunnel_in_flight_requests Inference requests being handled now.\n");
        sb.append("# TYPE siftfunnel_in_flight_requests gauge\n");
        sb.append("siftfunnel_in_flight_requests ").append(inFlight.get()).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(value).append('\n');
    }

    /** Plain decimal notation ({@code 0.0005}, not {@code 5.0E-4}), as Prometheus clients write it. */
    private static String format(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
