package org.siftfunnel.model.runtime.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.arch.Stage;
import org.siftfunnel.model.runtime.bundle.ExportManifest;
import org.siftfunnel.model.runtime.bundle.Half;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.wire.FeatureBatch;
import org.siftfunnel.model.runtime.wire.HttpBinding;
import org.siftfunnel.model.runtime.wire.WireDType;
import org.siftfunnel.model.runtime.wire.WireFormat;
import org.siftfunnel.model.runtime.wire.WireFormatException;
import org.siftfunnel.model.runtime.wire.WireLimits;

/**
 * Serves the cloud half of an export: {@code POST /v1/infer} (a features message, see
 * {@link WireFormat}, in; class probabilities as JSON out), {@code GET /v1/model},
 * {@code GET /healthz} and {@code GET /metrics}.
 *
 * <p><b>Concurrency.</b> Requests run on a fixed pool of {@code maxConcurrent + }{@value #SPARE_THREADS}
 * threads; at most {@code maxConcurrent} of them run inference at once (a semaphore), and an
 * inference request that finds no permit is answered 503 with {@code Retry-After} at once by
 * one of the spare threads. The forward passes themselves run on a second pool with one thread
 * per processor (which bounds the backend's per-thread workspaces, see {@code compute}).
 * All of them share one cloud model in eval mode: the engine's
 * eval-mode forward pass keeps no state in the modules and gradient tracking is a per-thread
 * switch ({@link GradMode}), so concurrent forward passes do not interact.
 *
 * <p><b>Errors.</b> Every refusal is a 4xx (or 503 when overloaded or stopping) with a JSON body
 * {@code {"error": CODE, "message": TEXT, "status": N}}; a 500 would mean a bug in this server.
 */
public final class CloudServer implements AutoCloseable {
    /** The content type of a features message. */
    public static final String CONTENT_TYPE = HttpBinding.MEDIA_TYPE;
    /** Response header: nanoseconds the server spent decoding and running the cloud model. */
    public static final String CLOUD_NANOS_HEADER = HttpBinding.CLOUD_NANOS_HEADER;
    /** Most samples in one request (bounds the memory of one forward pass). */
    public static final int MAX_BATCH = HttpBinding.MAX_BATCH;
    /** Threads beyond the inference bound, which answer everything else while inference is saturated. */
    static final int SPARE_THREADS = 8;
    static final String INFER = HttpBinding.INFER_PATH;
    static final String MODEL = HttpBinding.MODEL_PATH;
    static final String HEALTH = "/healthz";
    static final String METRICS = "/metrics";
    private static final List<String> ENDPOINTS = List.of(INFER, MODEL, HEALTH, METRICS);
    /** Exchange attributes: the endpoint label for metrics, and whether a response was started. */
    private static final String ENDPOINT = "siftfunnel.endpoint";
    private static final String ANSWERED = "siftfunnel.answered";

    private final ModelBundle bundle;
    private final ServerConfig config;
    private final Backend backend;
    private final Stage cloud;
    private final byte[] modelId;
    private final int[] featureShape;
    private final WireLimits limits;
    private final byte[] tokenBytes;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Semaphore permits;
    private final AtomicInteger handling = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService pool;
    /**
     * Runs the forward passes: as many threads as the machine has processors. The request
     * threads (up to maxConcurrent of them) wait here for their turn. Keeping the compute on few
     * threads bounds memory: the cpu backend keeps a per-thread convolution workspace (several
     * MB), so forward passes on 64 request threads held 64 workspaces (a 192 MB heap ran out
     * with 32 clients; it holds with this pool).
     */
    private final ExecutorService compute;
    private volatile boolean draining;
    private volatile boolean stopped;
    /** Runs before each forward pass; tests use it to hold a request in flight. */
    volatile Runnable beforeInference = () -> { };

    private CloudServer(ModelBundle bundle, ServerConfig config, Backend backend) throws IOException {
        this.bundle = bundle;
        this.config = config;
        this.backend = backend;
        SplitModel model = bundle.load(Half.CLOUD, backend);
        this.cloud = model.cloud();
        this.modelId = bundle.modelId();
        this.featureShape = bundle.manifest().featureShape();
        this.limits = new WireLimits(config.maxBodyBytes(), Math.max(1, config.maxBodyBytes()));
        this.tokenBytes = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        this.permits = new Semaphore(config.maxConcurrent());
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        this.server = config.tls() ? https(address, config) : HttpServer.create(address, 0);
        int threads = config.maxConcurrent() + SPARE_THREADS;
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "siftfunnel-serve-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        int computeThreads = Math.max(1, Math.min(config.maxConcurrent(), Runtime.getRuntime().availableProcessors()));
        AtomicInteger computeIds = new AtomicInteger();
        this.compute = Executors.newFixedThreadPool(computeThreads, r -> {
            Thread t = new Thread(r, "siftfunnel-infer-" + computeIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", this::handle);
    }

    /**
     * Loads the cloud half of {@code bundle} (verifying its hash) and starts listening.
     *
     * @throws IOException when the export cannot be loaded, the keystore cannot be read or the port is taken
     */
    public static CloudServer start(ModelBundle bundle, ServerConfig config, Backend backend) throws IOException {
        CloudServer s = new CloudServer(bundle, config, backend);
        s.server.start();
        return s;
    }

    private static HttpsServer https(InetSocketAddress address, ServerConfig config) throws IOException {
        SSLContext ctx;
        try {
            if (!Files.isRegularFile(config.keystore())) {
                throw new IOException(config.keystore() + ": no such keystore");
            }
            KeyStore ks = KeyStore.getInstance(config.keystore().toFile(), config.keystorePassword());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, config.keystorePassword());
            ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException(config.keystore() + ": cannot use as TLS keystore: " + e.getMessage(), e);
        }
        HttpsServer s = HttpsServer.create(address, 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return s;
    }

    /** The port listened on (the chosen one when configured with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http(s)://host:port}. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + port());
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    /**
     * Stops gracefully: new inference requests are refused (503), requests in flight are
     * finished (for at most the configured grace period), then the listener and the threads stop.
     * Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (handling.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        pool.shutdown();
        compute.shutdown();
        try {
            pool.awaitTermination(Math.max(1, config.shutdownGrace().toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------ request handling

    private void handle(HttpExchange ex) {
        handling.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        ex.setAttribute(ENDPOINT, ENDPOINTS.contains(path) ? path : "other");
        try {
            route(ex, path);
        } catch (HttpError e) {
            sendError(ex, e);
        } catch (IOException e) {
            // The client went away or sent a broken request: nobody to answer.
            if (ex.getAttribute(ANSWERED) == null) {
                metrics.request((String) ex.getAttribute(ENDPOINT), 499);
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            System.err.println("siftfunnel serve: internal error on " + ex.getRequestMethod() + " " + path + ": " + e);
            if (ex.getAttribute(ANSWERED) == null) {
                sendError(ex, new HttpError(500, "internal", "internal error: " + e.getClass().getSimpleName()));
            }
        } finally {
            ex.close();
            handling.decrementAndGet();
        }
    }

    private int route(HttpExchange ex, String path) throws HttpError, IOException {
        return switch (path) {
            case HEALTH -> {
                requireMethod(ex, "GET");
                yield draining ? sendJson(ex, 503, Map.of("status", "stopping")) : sendJson(ex, 200, Map.of("status", "ok"));
            }
            case MODEL -> {
                requireMethod(ex, "GET");
                authorize(ex);
                yield sendJson(ex, 200, modelDescription());
            }
            case METRICS -> {
                requireMethod(ex, "GET");
                authorize(ex);
                yield send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render().getBytes(StandardCharsets.UTF_8));
            }
            case INFER -> infer(ex);
            default -> throw new HttpError(404, "not_found", "no endpoint " + path + "; endpoints: " + String.join(", ", ENDPOINTS));
        };
    }

    /** One forward pass of the cloud half on the compute pool, under no-grad there. */
    private Tensor forward(float[] values, int[] shape) throws HttpError {
        Future<Tensor> f = compute.submit(() -> {
            try (GradMode.Scope _ = GradMode.noGrad()) {
                return cloud.forward(Tensor.of(backend, values, shape));
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new HttpError(503, "stopping", "the server is stopping");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private int infer(HttpExchange ex) throws HttpError, IOException {
        requireMethod(ex, "POST");
        authorize(ex);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String bare = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!bare.equals(CONTENT_TYPE)) {
            throw new HttpError(415, "unsupported_media_type", "Content-Type must be " + CONTENT_TYPE + ", got "
                    + (type == null ? "none" : "'" + type + "'"));
        }
        if (draining) {
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new HttpError(503, "stopping", "the server is shutting down");
        }
        if (!permits.tryAcquire()) {
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new HttpError(503, "overloaded", "more than " + config.maxConcurrent() + " inference requests at once; retry later");
        }
        metrics.inFlight().incrementAndGet();
        long start = System.nanoTime();
        Map<String, Object> answer;
        try {
            byte[] body = readBody(ex);
            long computeStart = System.nanoTime();
            FeatureBatch batch;
            try {
                batch = WireFormat.decode(body, limits);
            } catch (WireFormatException e) {
                int status = e.code() == WireFormatException.Code.TOO_LARGE ? 413 : e.code() == WireFormatException.Code.NON_FINITE ? 422 : 400;
                throw new HttpError(status, e.code().id(), e.getMessage());
            }
            if (!MessageDigest.isEqual(batch.modelId(), modelId)) {
                throw new HttpError(409, "model_mismatch", "features computed for model " + batch.modelIdHex() + ", this server runs "
                        + bundle.modelIdHex() + " (edge and cloud must come from the same export)");
            }
            int[] s = batch.shape();
            if (s.length != 4 || s[1] != featureShape[0] || s[2] != featureShape[1] || s[3] != featureShape[2]) {
                throw new HttpError(422, "shape_mismatch", "features of shape " + Arrays.toString(s) + "; this model expects [N, "
                        + featureShape[0] + ", " + featureShape[1] + ", " + featureShape[2] + "]");
            }
            if (s[0] > MAX_BATCH) {
                throw new HttpError(413, "batch_too_large", s[0] + " samples in one request; at most " + MAX_BATCH);
            }
            beforeInference.run();
            Tensor logProbs = forward(batch.values(), s);
            float[] lp = logProbs.toArray();
            long cloudNanos = System.nanoTime() - computeStart;
            answer = answer(batch, lp, logProbs.size(1), cloudNanos);
            ex.getResponseHeaders().set(CLOUD_NANOS_HEADER, Long.toString(cloudNanos));
            metrics.samples(s[0]);
        } finally {
            metrics.inFlight().decrementAndGet();
            permits.release();
        }
        // Recorded before the answer leaves, so that a client that reads /metrics next sees it.
        metrics.inferLatency(System.nanoTime() - start);
        return sendJson(ex, 200, answer);
    }

    private Map<String, Object> answer(FeatureBatch batch, float[] lp, int k, long cloudNanos) {
        int n = batch.shape()[0];
        List<Object> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] p = new float[k];
            int best = 0;
            for (int c = 0; c < k; c++) {
                p[c] = (float) Math.exp(lp[i * k + c]);
                if (lp[i * k + c] > lp[i * k + best]) {
                    best = c;
                }
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("class", best);
            one.put("probabilities", p);
            predictions.add(one);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("model_id", bundle.modelIdHex());
        answer.put("count", n);
        answer.put("dtype", batch.dtype().label());
        answer.put("cloud_compute_ms", cloudNanos / 1e6);
        answer.put("predictions", predictions);
        return answer;
    }

    /** The body, refusing one longer than the limit without reading more than one byte past it. */
    private byte[] readBody(HttpExchange ex) throws HttpError, IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad_request", "Content-Length '" + declared + "' is not a number");
            }
            if (n > config.maxBodyBytes()) {
                throw new HttpError(413, "too_large", "body of " + n + " bytes exceeds the limit of " + config.maxBodyBytes());
            }
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(config.maxBodyBytes() + 1);
        }
        metrics.bytesIn(body.length);
        if (body.length > config.maxBodyBytes()) {
            throw new HttpError(413, "too_large", "body exceeds the limit of " + config.maxBodyBytes() + " bytes");
        }
        if (body.length == 0) {
            throw new HttpError(400, "truncated", "empty body; expected a features message");
        }
        return body;
    }

    private Map<String, Object> modelDescription() {
        ExportManifest m = bundle.manifest();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model_id", bundle.modelIdHex());
        d.put("arch", m.arch());
        d.put("defense", m.defense());
        d.put("input_shape", m.inputShape());
        d.put("feature_shape", m.featureShape());
        d.put("classes", m.classes());
        d.put("class_names", m.classNames());
        List<String> dtypes = new ArrayList<>();
        for (WireDType t : WireDType.values()) {
            dtypes.add(t.label());
        }
        d.put("dtypes", dtypes);
        d.put("content_type", CONTENT_TYPE);
        d.put("wire_version", WireFormat.VERSION);
        d.put("max_body_bytes", config.maxBodyBytes());
        d.put("max_batch", MAX_BATCH);
        return d;
    }

    private void requireMethod(HttpExchange ex, String method) throws HttpError {
        if (!ex.getRequestMethod().equalsIgnoreCase(method)) {
            ex.getResponseHeaders().set("Allow", method);
            throw new HttpError(405, "method_not_allowed", ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " is not allowed; use " + method);
        }
    }

    /** Compares the bearer token in constant time (it does not leak how many leading bytes matched). */
    private void authorize(HttpExchange ex) throws HttpError {
        if (tokenBytes == null) {
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new HttpError(401, "unauthorized", "missing bearer token (Authorization: Bearer TOKEN)");
        }
        if (!MessageDigest.isEqual(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8), tokenBytes)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw new HttpError(401, "unauthorized", "wrong bearer token");
        }
    }

    private int sendError(HttpExchange ex, HttpError e) {
        metrics.error(e.code());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        body.put("status", e.status());
        try {
            return sendJson(ex, e.status(), body);
        } catch (IOException io) {
            return e.status();
        }
    }

    private int sendJson(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        return send(ex, status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private int send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        ex.setAttribute(ANSWERED, Boolean.TRUE);
        metrics.request((String) ex.getAttribute(ENDPOINT), status);
        metrics.bytesOut(bytes.length);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }
}
