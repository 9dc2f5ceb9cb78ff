package org.siftfunnel.model.runtime.loadtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.runtime.edge.CloudException;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.edge.EdgeResult;

/**
 * Sends {@code requests} requests from each of {@code clients} threads (or fewer, when the time
 * limit comes first). The messages are encoded before the clock starts, so the test measures
 * the server and the network, not the edge model; each answer's classes are compared with the
 * expected ones (the local full model's).
 */
public final class LoadTest {
    /** Upper bounds that keep a mistyped command from flooding anything. */
    public static final int MAX_CLIENTS = 512;
    public static final int MAX_REQUESTS_PER_CLIENT = 1_000_000;
    public static final long MAX_TOTAL_REQUESTS = 10_000_000;

    /**
     * @param clients     concurrent threads, 1..{@value #MAX_CLIENTS}
     * @param requests    requests per thread, 1..{@value #MAX_REQUESTS_PER_CLIENT}
     * @param duration    time limit for the whole test
     */
    public record Settings(int clients, int requests, Duration duration) {
        public Settings {
            if (clients < 1 || clients > MAX_CLIENTS) {
                throw new IllegalArgumentException("loadtest: clients must be 1.." + MAX_CLIENTS + ", got " + clients);
            }
            if (requests < 1 || requests > MAX_REQUESTS_PER_CLIENT) {
                throw new IllegalArgumentException("loadtest: requests per client must be 1.." + MAX_REQUESTS_PER_CLIENT + ", got " + requests);
            }
            if ((long) clients * requests > MAX_TOTAL_REQUESTS) {
                throw new IllegalArgumentException("loadtest: " + clients + " × " + requests + " requests exceed the limit of " + MAX_TOTAL_REQUESTS);
            }
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("loadtest: the time limit must be positive");
            }
        }
    }

    /**
     * One prepared request: its message and the classes the answer must contain.
     */
    public record Prepared(byte[] body, int[] expected) {
    }

    private LoadTest() {
    }

    /**
     * Refuses a host that is not a loopback address unless {@code allowRemote}: a load test
     * pointed at someone else's server by mistake is an attack on it.
     *
     * @throws IllegalArgumentException naming the host
     */
    public static void checkTarget(URI cloud, boolean allowRemote) {
        if (allowRemote) {
            return;
        }
        String host = cloud.getHost();
        boolean loopback;
        try {
            loopback = host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalArgumentException("loadtest: " + cloud + " is not a loopback address; pass --allow-remote to load a remote server"
                    + " (only one you are allowed to load)");
        }
    }

    /**
     * Encodes {@code inputs} (normalised [N, C, H, W]) in batches of {@code batch} with the
     * client's edge model and dtype, pairing each message with {@code expected} classes.
     */
    public static List<Prepared> prepare(EdgeClient client, Tensor inputs, int[] expected, int batch) {
        List<Prepared> out = new ArrayList<>();
        int n = inputs.size(0);
        for (int from = 0; from + batch <= n; from += batch) {
            Tensor z = client.features(inputs.slice(0, from, from + batch));
            int[] exp = java.util.Arrays.copyOfRange(expected, from, from + batch);
            out.add(new Prepared(client.encode(z), exp));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("loadtest: " + n + " inputs are fewer than one batch of " + batch);
        }
        return out;
    }

    /** Runs the test; request i of thread t sends message (t · requests + i) mod the number of messages. */
    public static LoadReport run(EdgeClient client, List<Prepared> messages, Settings s) throws InterruptedException {
        long deadline = System.nanoTime() + s.duration().toNanos();
        LongAdder requests = new LongAdder();
        LongAdder samples = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder mismatches = new LongAdder();
        AtomicLong stoppedEarly = new AtomicLong();
        Map<String, Long> kinds = new ConcurrentHashMap<>();
        long[][] latencies = new long[s.clients()][];
        int[] counts = new int[s.clients()];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < s.clients(); t++) {
            int id = t;
            latencies[t] = new long[s.requests()];
            threads.add(Thread.ofPlatform().name("loadtest-" + t).daemon().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < s.requests(); i++) {
                    if (System.nanoTime() > deadline) {
                        stoppedEarly.incrementAndGet();
                        break;
                    }
                    Prepared p = messages.get((int) (((long) id * s.requests() + i) % messages.size()));
                    requests.increment();
                    try {
                        EdgeResult r = client.send(p.body(), p.expected().length, 0, 0);
                        latencies[id][counts[id]++] = r.timing().roundTripNanos();
                        samples.add(r.count());
                        for (int j = 0; j < r.count(); j++) {
                            if (r.classes()[j] != p.expected()[j]) {
                                mismatches.increment();
                            }
                        }
                    } catch (CloudException e) {
                        errors.increment();
                        kinds.merge(e.status() + " " + e.code(), 1L, Long::sum);
                    } catch (IOException | RuntimeException e) {
                        errors.increment();
                        kinds.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < s.clients(); t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        return new LoadReport(s.clients(), requests.sum(), samples.sum(), errors.sum(), new HashMap<>(kinds), mismatches.sum(), elapsed, all,
                stoppedEarly.get() > 0);
    }
}
