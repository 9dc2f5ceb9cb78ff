package org.siftfunnel.model.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.inference.Predictor;
import org.siftfunnel.model.runtime.RuntimeFixtures;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.edge.EdgeResult;
import org.siftfunnel.model.runtime.wire.WireDType;
import org.siftfunnel.model.runtime.wire.WireFormat;

/**
 * The server end to end on loopback with an untrained SiftFunnel CNN (fixed seed): answers
 * equal the local full model's, concurrent clients, and every kind of bad request.
 */
class CloudServerTest {
    static final int MAX_BODY = 64 << 10;

    @TempDir
    static Path dir;
    static ModelBundle bundle;
    static CloudServer server;
    static SplitModel full;
    static Tensor images;

    @BeforeAll
    static void start() throws IOException {
        bundle = RuntimeFixtures.export(dir.resolve("cnn16"), 16);
        server = CloudServer.start(bundle, ServerConfig.loopback().withMaxBodyBytes(MAX_BODY), RuntimeFixtures.backend());
        full = bundle.loadBoth(RuntimeFixtures.backend());
        images = RuntimeFixtures.testImages(bundle, 16);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static EdgeClient client(ModelBundle b, CloudServer s, WireDType dtype) throws IOException {
        return EdgeClient.connect(b, s.uri(), EdgeClient.Settings.DEFAULT.withDtype(dtype), RuntimeFixtures.backend());
    }

    static byte[] valid(int n) {
        Tensor z;
        try (GradMode.Scope _ = GradMode.noGrad()) {
            z = full.features(images.slice(0, 0, n));
        }
        return WireFormat.encode(bundle.modelId(), WireDType.FLOAT32, z.shape(), z.toArray());
    }

    static byte[] withCrc(byte[] m) {
        CRC32 crc = new CRC32();
        crc.update(m, 0, m.length - 4);
        ByteBuffer.wrap(m).putInt(m.length - 4, (int) crc.getValue());
        return m;
    }

    @Test
    void edgeToCloudGivesTheLocalFullModelsPredictions() throws Exception {
        // The deployment shape (32×32, Z = 12×8×8), a few hundred bundled test images, batches of 20.
        ModelBundle b32 = RuntimeFixtures.export(dir.resolve("cnn32"), 32);
        int n = 200;
        int batch = 20;
        Tensor x = RuntimeFixtures.testImages(b32, n);
        SplitModel local = b32.loadBoth(RuntimeFixtures.backend());
        try (CloudServer s = CloudServer.start(b32, ServerConfig.loopback(), RuntimeFixtures.backend());
             EdgeClient client = client(b32, s, WireDType.FLOAT32)) {
            client.checkServer();
            for (int from = 0; from < n; from += batch) {
                Tensor chunk = x.slice(0, from, from + batch);
                Prediction expected = Predictor.run(local, chunk);
                EdgeResult r = client.infer(chunk);
                assertArrayEquals(expected.predictedClasses(), r.classes(), "classes of inputs " + from + "..");
                float[] lp = expected.logProbs().toArray();
                for (int i = 0; i < batch; i++) {
                    for (int c = 0; c < 10; c++) {
                        assertEquals(Math.exp(lp[i * 10 + c]), r.probabilities()[i][c], 1e-6, "input " + (from + i) + " class " + c);
                    }
                }
                EdgeResult.Timing t = r.timing();
                assertEquals(WireFormat.encode(b32.modelId(), WireDType.FLOAT32, new int[] {batch, 12, 8, 8}, new float[batch * 768]).length,
                        t.bytesSent());
                assertTrue(t.edgeNanos() > 0 && t.roundTripNanos() > 0 && t.cloudNanos() > 0 && t.bytesReceived() > 0, t.toString());
            }
            assertEquals(n / batch, s.metrics().requests(CloudServer.INFER, 200));
        }
    }

    @Test
    void eightConcurrentClientsGetOnlyCorrectAnswers() throws Exception {
        int[] expected;
        try (GradMode.Scope _ = GradMode.noGrad()) {
            expected = new Prediction(full.features(images), full.forward(images)).predictedClasses();
        }
        long before = server.metrics().requests(CloudServer.INFER, 200);
        AtomicInteger wrong = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (EdgeClient client = client(bundle, server, WireDType.FLOAT32)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        int k = (id * 50 + i) % images.size(0);
                        try {
                            EdgeResult r = client.infer(images.slice(0, k, k + 1));
                            if (r.classes()[0] != expected[k]) {
                                wrong.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(0, wrong.get());
        assertEquals(400, server.metrics().requests(CloudServer.INFER, 200) - before);
    }

    @Test
    void everyBadRequestIsA4xxNamingTheProblem() throws Exception {
        var base = server.uri();
        byte[] good = valid(2);
        assertEquals(200, Http.infer(base, good).statusCode());

        byte[] m = good.clone();
        m[0] = 'G';
        Http.assertError(Http.infer(base, m), 400, "bad_magic");
        m = good.clone();
        m[5] = 7;
        assertTrue(Http.assertError(Http.infer(base, withCrc(m)), 400, "unsupported_version").contains("version 7"));
        m = good.clone();
        m[6] = 42;
        Http.assertError(Http.infer(base, withCrc(m)), 400, "bad_dtype");
        m = good.clone();
        m[20] ^= 0x55; // inside the model id
        assertTrue(Http.assertError(Http.infer(base, withCrc(m)), 409, "model_mismatch").contains(bundle.modelIdHex()));
        Tensor wrongShape = Tensor.zeros(2, 12, 5, 4);
        Http.assertError(Http.infer(base, WireFormat.encode(bundle.modelId(), WireDType.FLOAT32, wrongShape.shape(), wrongShape.toArray())),
                422, "shape_mismatch");
        Http.assertError(Http.infer(base, WireFormat.encode(bundle.modelId(), WireDType.FLOAT32, new int[] {192}, new float[192])),
                422, "shape_mismatch");
        m = good.clone();
        ByteBuffer.wrap(m).putFloat(WireFormat.DIMS_OFFSET + 16 + 4 + 40, Float.NaN);
        Http.assertError(Http.infer(base, withCrc(m)), 422, "non_finite");
        m = WireFormat.encode(bundle.modelId(), WireDType.FLOAT16, new int[] {1, 12, 4, 4}, new float[192]);
        ByteBuffer.wrap(m).putShort(WireFormat.DIMS_OFFSET + 16 + 4, Float.floatToFloat16(Float.NEGATIVE_INFINITY));
        Http.assertError(Http.infer(base, withCrc(m)), 422, "non_finite");
        Http.assertError(Http.infer(base, java.util.Arrays.copyOf(good, good.length - 9)), 400, "truncated");
        Http.assertError(Http.infer(base, java.util.Arrays.copyOf(good, 30)), 400, "truncated");
        Http.assertError(Http.infer(base, new byte[0]), 400, "truncated");
        m = good.clone();
        m[m.length - 20] ^= 1;
        Http.assertError(Http.infer(base, m), 400, "bad_checksum");
        Http.assertError(Http.infer(base, new byte[MAX_BODY + 100]), 413, "too_large");
        byte[] tooMany = WireFormat.encode(bundle.modelId(), WireDType.INT8, new int[] {CloudServer.MAX_BATCH + 1, 12, 4, 4},
                new float[(CloudServer.MAX_BATCH + 1) * 192]);
        Http.assertError(Http.infer(base, tooMany), 413, "batch_too_large");

        Http.assertError(Http.send(base, "POST", "/v1/infer", "application/json", good, null), 415, "unsupported_media_type");
        Http.assertError(Http.send(base, "POST", "/v1/infer", null, good, null), 415, "unsupported_media_type");
        HttpResponse<String> get = Http.get(base, "/v1/infer");
        Http.assertError(get, 405, "method_not_allowed");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        Http.assertError(Http.send(base, "POST", "/v1/model", CloudServer.CONTENT_TYPE, good, null), 405, "method_not_allowed");
        Http.assertError(Http.send(base, "DELETE", "/healthz", null, null, null), 405, "method_not_allowed");
        Http.assertError(Http.get(base, "/v2/infer"), 404, "not_found");
        Http.assertError(Http.get(base, "/"), 404, "not_found");

        assertEquals(200, Http.infer(base, good).statusCode(), "the server still works after all that");
        assertEquals(0, server.metrics().requests("other", 500) + server.metrics().requests(CloudServer.INFER, 500));
    }

    @Test
    void modelHealthAndMetricsEndpoints() throws Exception {
        var base = server.uri();
        HttpResponse<String> model = Http.get(base, "/v1/model");
        assertEquals(200, model.statusCode());
        Map<?, ?> json = (Map<?, ?>) Json.parse(model.body());
        assertEquals(bundle.modelIdHex(), json.get("model_id"));
        assertEquals(List.of(12.0, 4.0, 4.0), ((List<?>) json.get("feature_shape")).stream().map(v -> ((Number) v).doubleValue()).toList());
        assertEquals(List.of("float32", "float16", "int8"), json.get("dtypes"));
        assertEquals(CloudServer.CONTENT_TYPE, json.get("content_type"));
        HttpResponse<String> health = Http.get(base, "/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", ((Map<?, ?>) Json.parse(health.body())).get("status"));

        assertEquals(200, Http.infer(base, valid(1)).statusCode());
        Http.infer(base, new byte[] {1, 2, 3});
        HttpResponse<String> metrics = Http.get(base, "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = metrics.body();
        for (String line : List.of("siftfunnel_requests_total{endpoint=\"/v1/infer\",status=\"200\"}",
                "siftfunnel_errors_total{code=\"bad_magic\"}", "siftfunnel_infer_latency_seconds_bucket{le=\"0.0005\"}",
                "siftfunnel_infer_latency_seconds_bucket{le=\"+Inf\"}", "siftfunnel_infer_latency_seconds_count",
                "siftfunnel_received_bytes_total", "siftfunnel_sent_bytes_total", "siftfunnel_in_flight_requests 0")) {
            assertTrue(text.contains(line), "metrics lack " + line + ":\n" + text);
        }
        long count = server.metrics().requests(CloudServer.INFER, 200);
        assertTrue(text.contains("siftfunnel_infer_latency_seconds_count " + count), text);
    }
}
