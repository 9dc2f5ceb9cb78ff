package org.siftfunnel.model.runtime.edge;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.runtime.bundle.Half;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.wire.HttpBinding;
import org.siftfunnel.model.runtime.wire.WireDType;
import org.siftfunnel.model.runtime.wire.WireFormat;

/**
 * Collaborative inference from the edge: computes the features Z of normalised inputs with the
 * edge half only, sends them (and nothing else about the input) to the cloud server and reads
 * its class probabilities.
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.open(Path.of("export"));
 * try (EdgeClient client = EdgeClient.connect(bundle, URI.create("http://127.0.0.1:8080"), EdgeClient.Settings.DEFAULT, backend)) {
 *     EdgeResult r = client.infer(images);      // images: [N, C, H, W], normalised
 *     System.out.println(Arrays.toString(r.classes()) + " in " + r.timing().roundTripNanos() / 1e6 + " ms");
 * }
 * }</pre>
 *
 * <p>One client may be used from several threads at once: the edge model runs in eval mode
 * without gradients, and the JDK's HttpClient is thread-safe.
 */
public final class EdgeClient implements AutoCloseable {
    /**
     * @param dtype   how features travel
     * @param token   bearer token, or null
     * @param ssl     TLS context for https (e.g. trusting a self-signed server), or null for the JDK default
     * @param timeout per-request timeout
     */
    public record Settings(WireDType dtype, String token, SSLContext ssl, Duration timeout) {
        public static final Settings DEFAULT = new Settings(WireDType.FLOAT32, null, null, Duration.ofSeconds(60));

        public Settings {
            dtype = dtype == null ? WireDType.FLOAT32 : dtype;
            timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        }

        public Settings withDtype(WireDType d) {
            return new Settings(d, token, ssl, timeout);
        }

        public Settings withToken(String t) {
            return new Settings(dtype, t, ssl, timeout);
        }

        public Settings withSsl(SSLContext s) {
            return new Settings(dtype, token, s, timeout);
        }
    }

    private final ModelBundle bundle;
    private final SplitModel model;
    private final URI infer;
    private final URI modelUri;
    private final Settings settings;
    private final Backend backend;
    private final HttpClient http;

    private EdgeClient(ModelBundle bundle, SplitModel model, URI cloud, Settings settings, Backend backend) {
        this.bundle = bundle;
        this.model = model;
        String base = cloud.toString().replaceAll("/+$", "");
        this.infer = URI.create(base + HttpBinding.INFER_PATH);
        this.modelUri = URI.create(base + HttpBinding.MODEL_PATH);
        this.settings = settings;
        this.backend = backend;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout());
        if (settings.ssl() != null) {
            b.sslContext(settings.ssl());
        }
        this.http = b.build();
    }

    /**
     * Loads the edge half of {@code bundle} (verifying its hash; the cloud file need not be
     * there) for a server at {@code cloud} ({@code http(s)://host:port}). Connects lazily.
     */
    public static EdgeClient connect(ModelBundle bundle, URI cloud, Settings settings, Backend backend) throws IOException {
        String scheme = cloud.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || cloud.getHost() == null) {
            throw new IllegalArgumentException("cloud URL " + cloud + ": expected http://HOST:PORT or https://HOST:PORT");
        }
        return new EdgeClient(bundle, bundle.load(Half.EDGE, backend), cloud, settings, backend);
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public Backend backend() {
        return backend;
    }

    /** The features Z [N, C, H, W] of normalised inputs [N, C, H, W]: the edge's whole share of the work. */
    public Tensor features(Tensor input) {
        try (GradMode.Scope _ = GradMode.noGrad()) {
            return model.features(input);
        }
    }

    /** A wire message of features for this export's model. */
    public byte[] encode(Tensor features) {
        return WireFormat.encode(bundle.modelId(), settings.dtype(), features.shape(), features.toArray());
    }

    /**
     * Asks the server which model it runs.
     *
     * @throws CloudException when it answers with an error, or runs another model than this export's
     */
    public Map<?, ?> checkServer() throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(modelUri).timeout(settings.timeout()).GET();
        authorize(req);
        HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<?, ?> json = json(res);
        if (res.statusCode() != 200) {
            throw error(res.statusCode(), json);
        }
        if (!bundle.modelIdHex().equals(json.get("model_id"))) {
            throw new CloudException(409, "model_mismatch", "the server runs model " + json.get("model_id") + ", this export is "
                    + bundle.modelIdHex() + " (edge and cloud must come from the same export)");
        }
        return json;
    }

    /**
     * Runs the edge half on {@code input} (normalised, [N, C, H, W], N ≤ the server's batch
     * limit) and has the cloud finish.
     *
     * @throws CloudException when the server refuses the request
     */
    public EdgeResult infer(Tensor input) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Tensor z = features(input);
        long t1 = System.nanoTime();
        byte[] body = encode(z);
        long t2 = System.nanoTime();
        return send(body, input.size(0), t1 - t0, t2 - t1);
    }

    /** Sends an encoded message of {@code n} samples (e.g. prepared in advance by a load generator). */
    public EdgeResult send(byte[] body, int n, long edgeNanos, long encodeNanos) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(infer).timeout(settings.timeout())
                .header("Content-Type", HttpBinding.MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        authorize(req);
        long start = System.nanoTime();
        HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        long roundTrip = System.nanoTime() - start;
        Map<?, ?> json = json(res);
        if (res.statusCode() != 200) {
            throw error(res.statusCode(), json);
        }
        long cloudNanos = res.headers().firstValueAsLong(HttpBinding.CLOUD_NANOS_HEADER).orElse(-1);
        if (!(json.get("predictions") instanceof List<?> predictions) || predictions.size() != n) {
            throw new IOException("cloud answer: expected " + n + " predictions, got " + json.get("predictions"));
        }
        int[] classes = new int[n];
        float[][] probs = new float[n][];
        for (int i = 0; i < n; i++) {
            if (!(predictions.get(i) instanceof Map<?, ?> p) || !(p.get("class") instanceof Number c)
                    || !(p.get("probabilities") instanceof List<?> ps)) {
                throw new IOException("cloud answer: malformed prediction " + i);
            }
            classes[i] = c.intValue();
            probs[i] = new float[ps.size()];
            for (int j = 0; j < ps.size(); j++) {
                probs[i][j] = ((Number) ps.get(j)).floatValue();
            }
        }
        return new EdgeResult(classes, probs, new EdgeResult.Timing(edgeNanos, encodeNanos, body.length, res.body().length, roundTrip, cloudNanos));
    }

    private void authorize(HttpRequest.Builder req) {
        if (settings.token() != null) {
            req.header("Authorization", "Bearer " + settings.token());
        }
    }

    private static Map<?, ?> json(HttpResponse<byte[]> res) throws IOException {
        String text = new String(res.body(), StandardCharsets.UTF_8);
        try {
            if (Json.parse(text) instanceof Map<?, ?> m) {
                return m;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (res.statusCode() != 200) {
            return Map.of("message", text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
        throw new IOException("cloud answer: not a JSON object: " + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
    }

    private static CloudException error(int status, Map<?, ?> json) {
        Object code = json.get("error");
        Object message = json.get("message");
        return new CloudException(status, code == null ? null : code.toString(), message == null ? null : message.toString());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "EdgeClient[" + infer + ", " + settings.dtype().label() + ", model " + bundle.modelIdHex().substring(0, 12) + "…, Z "
                + Arrays.toString(bundle.manifest().featureShape()) + "]";
    }
}
