package org.siftfunnel.model.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.runtime.RuntimeFixtures;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.CloudException;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.wire.WireDType;
import org.siftfunnel.model.runtime.wire.WireFormat;

/** Authentication, the concurrency bound, graceful shutdown and TLS. */
class ServerLimitsTest {
    @TempDir
    static Path dir;
    static ModelBundle bundle;
    static byte[] message;

    @BeforeAll
    static void export() throws IOException {
        bundle = RuntimeFixtures.export(dir.resolve("cnn16"), 16);
        SplitModel edge = bundle.load(org.siftfunnel.model.runtime.bundle.Half.EDGE, RuntimeFixtures.backend());
        try (GradMode.Scope _ = GradMode.noGrad()) {
            Tensor z = edge.features(RuntimeFixtures.testImages(bundle, 1));
            message = WireFormat.encode(bundle.modelId(), WireDType.FLOAT32, z.shape(), z.toArray());
        }
    }

    @Test
    void bearerTokenGuardsEverythingButHealth() throws Exception {
        try (CloudServer s = CloudServer.start(bundle, ServerConfig.loopback().withToken("s3cret-token"), RuntimeFixtures.backend())) {
            var base = s.uri();
            HttpResponse<String> none = Http.infer(base, message);
            Http.assertError(none, 401, "unauthorized");
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            Http.assertError(Http.send(base, "POST", "/v1/infer", CloudServer.CONTENT_TYPE, message, "Bearer wrong"), 401, "unauthorized");
            Http.assertError(Http.send(base, "POST", "/v1/infer", CloudServer.CONTENT_TYPE, message, "Basic czNjcmV0LXRva2Vu"), 401, "unauthorized");
            Http.assertError(Http.get(base, "/v1/model"), 401, "unauthorized");
            Http.assertError(Http.get(base, "/metrics"), 401, "unauthorized");
            assertEquals(200, Http.get(base, "/healthz").statusCode());
            assertEquals(200, Http.send(base, "POST", "/v1/infer", CloudServer.CONTENT_TYPE, message, "Bearer s3cret-token").statusCode());
            assertEquals(200, Http.send(base, "GET", "/metrics", null, null, "Bearer s3cret-token").statusCode());

            try (EdgeClient wrong = EdgeClient.connect(bundle, base, EdgeClient.Settings.DEFAULT.withToken("nope"), RuntimeFixtures.backend());
                 EdgeClient right = EdgeClient.connect(bundle, base, EdgeClient.Settings.DEFAULT.withToken("s3cret-token"), RuntimeFixtures.backend())) {
                CloudException e = assertThrows(CloudException.class, () -> wrong.infer(RuntimeFixtures.testImages(bundle, 1)));
                assertEquals(401, e.status());
                assertEquals("unauthorized", e.code());
                assertEquals(1, right.infer(RuntimeFixtures.testImages(bundle, 1)).count());
            }
        }
    }

    @Test
    void beyondTheConcurrencyBoundTheAnswerIs503WithRetryAfter() throws Exception {
        try (CloudServer s = CloudServer.start(bundle, ServerConfig.loopback().withMaxConcurrent(1), RuntimeFixtures.backend())) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.beforeInference = () -> {
                entered.countDown();
                awaitQuietly(release);
            };
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> call(() -> Http.infer(s.uri(), message)));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the first request reached inference");
            HttpResponse<String> second = Http.infer(s.uri(), message);
            Http.assertError(second, 503, "overloaded");
            assertEquals("1", second.headers().firstValue("Retry-After").orElse(""));
            assertEquals(200, Http.get(s.uri(), "/healthz").statusCode(), "other endpoints still answer");
            release.countDown();
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, Http.infer(s.uri(), message).statusCode(), "the permit came back");
        }
    }

    @Test
    void shutdownFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
        CloudServer s = CloudServer.start(bundle, ServerConfig.loopback().withShutdownGrace(Duration.ofSeconds(30)), RuntimeFixtures.backend());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.beforeInference = () -> {
            entered.countDown();
            awaitQuietly(release);
        };
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> call(() -> Http.infer(s.uri(), message)));
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        Thread stopper = Thread.ofPlatform().start(s::stop);
        stopper.join(300);
        assertTrue(stopper.isAlive(), "stop() waits for the request in flight");
        HttpResponse<String> late = Http.infer(s.uri(), message);
        Http.assertError(late, 503, "stopping");
        assertEquals(503, Http.get(s.uri(), "/healthz").statusCode(), "health says stopping");
        release.countDown();
        HttpResponse<String> done = inFlight.get(30, TimeUnit.SECONDS);
        assertEquals(200, done.statusCode(), done.body());
        stopper.join(30_000);
        assertFalse(stopper.isAlive(), "stop() returned once the request was answered");
        assertThrows(IOException.class, () -> Http.get(s.uri(), "/healthz"), "the listener is closed");
    }

    @Test
    void servesHttpsWithAKeystore() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "no keytool in " + keytool.getParent() + ": TLS test skipped");
        Path store = dir.resolve("server.p12");
        char[] password = "changeit-test".toCharArray();
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(password), "-keypass", new String(password))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);

        try (CloudServer s = CloudServer.start(bundle, ServerConfig.loopback().withTls(store, password), RuntimeFixtures.backend())) {
            assertEquals("https", s.uri().getScheme());
            KeyStore ks = KeyStore.getInstance(store.toFile(), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext trust = SSLContext.getInstance("TLS");
            trust.init(null, tmf.getTrustManagers(), null);
            try (EdgeClient client = EdgeClient.connect(bundle, s.uri(), EdgeClient.Settings.DEFAULT.withSsl(trust), RuntimeFixtures.backend())) {
                client.checkServer();
                Tensor x = RuntimeFixtures.testImages(bundle, 4);
                SplitModel full = bundle.loadBoth(RuntimeFixtures.backend());
                int[] expected;
                try (GradMode.Scope _ = GradMode.noGrad()) {
                    Tensor z = full.features(x);
                    expected = new Prediction(z, full.cloud().forward(z)).predictedClasses();
                }
                assertArrayEquals(expected, client.infer(x).classes());
            }
            // A client that does not trust the certificate cannot talk to it.
            assertThrows(IOException.class, () -> Http.get(s.uri(), "/healthz"));
        }
        IOException bad = assertThrows(IOException.class,
                () -> CloudServer.start(bundle, ServerConfig.loopback().withTls(store, "wrong".toCharArray()), RuntimeFixtures.backend()));
        assertTrue(bad.getMessage().contains("server.p12"), bad.getMessage());
    }

    @Test
    void configRefusesNonsense() {
        for (Runnable r : List.<Runnable>of(() -> ServerConfig.loopback().withMaxConcurrent(0), () -> ServerConfig.loopback().withPort(70000),
                () -> ServerConfig.loopback().withToken(" "), () -> ServerConfig.loopback().withMaxBodyBytes(10))) {
            assertThrows(IllegalArgumentException.class, r::run);
        }
    }

    interface Call {
        HttpResponse<String> run() throws Exception;
    }

    static HttpResponse<String> call(Call c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitQuietly(CountDownLatch l) {
        try {
            l.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
