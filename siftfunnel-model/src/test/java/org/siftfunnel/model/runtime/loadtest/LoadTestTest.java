package org.siftfunnel.model.runtime.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.runtime.RuntimeFixtures;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.server.CloudServer;
import org.siftfunnel.model.runtime.server.ServerConfig;

class LoadTestTest {
    @Test
    void aSmallLoadIsCleanAndMeasured(@TempDir Path dir) throws Exception {
        ModelBundle bundle = RuntimeFixtures.export(dir, 16);
        Tensor x = RuntimeFixtures.testImages(bundle, 8);
        SplitModel full = bundle.loadBoth(RuntimeFixtures.backend());
        int[] expected;
        try (GradMode.Scope _ = GradMode.noGrad()) {
            Tensor z = full.features(x);
            expected = new Prediction(z, full.cloud().forward(z)).predictedClasses();
        }
        try (CloudServer s = CloudServer.start(bundle, ServerConfig.loopback(), RuntimeFixtures.backend());
             EdgeClient client = EdgeClient.connect(bundle, s.uri(), EdgeClient.Settings.DEFAULT, RuntimeFixtures.backend())) {
            List<LoadTest.Prepared> messages = LoadTest.prepare(client, x, expected, 2);
            assertEquals(4, messages.size());
            LoadReport r = LoadTest.run(client, messages, new LoadTest.Settings(3, 6, Duration.ofSeconds(60)));
            System.out.println(r.describe());
            assertTrue(r.clean(), r.describe());
            assertEquals(18, r.requests());
            assertEquals(36, r.samples());
            assertFalse(r.stoppedByTime());
            assertTrue(r.percentileMillis(0.5) > 0 && r.percentileMillis(0.5) <= r.percentileMillis(0.99), r.describe());
            assertTrue(r.describe().contains("p95"), r.describe());

            // Wrong expectations are counted as mismatches, not hidden.
            int[] wrong = Arrays.stream(expected).map(c -> (c + 1) % 10).toArray();
            LoadReport bad = LoadTest.run(client, LoadTest.prepare(client, x, wrong, 8), new LoadTest.Settings(1, 1, Duration.ofSeconds(60)));
            assertEquals(8, bad.mismatches());
            assertFalse(bad.clean());
        }
    }

    @Test
    void remoteTargetsNeedConsent() {
        LoadTest.checkTarget(URI.create("http://127.0.0.1:8080"), false);
        LoadTest.checkTarget(URI.create("http://localhost:8080"), false);
        LoadTest.checkTarget(URI.create("http://[::1]:8080"), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadTest.checkTarget(URI.create("http://192.0.2.7:8080"), false));
        assertTrue(e.getMessage().contains("--allow-remote"), e.getMessage());
        LoadTest.checkTarget(URI.create("http://192.0.2.7:8080"), true);
        assertThrows(IllegalArgumentException.class, () -> new LoadTest.Settings(0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new LoadTest.Settings(512, 1_000_000, Duration.ofSeconds(1)));
    }

    @Test
    void percentilesUseNearestRank() {
        long[] ms = new long[100];
        for (int i = 0; i < 100; i++) {
            ms[i] = (100 - i) * 1_000_000L;
        }
        LoadReport r = new LoadReport(1, 100, 100, 0, java.util.Map.of(), 0, 1_000_000_000L, ms, false);
        assertEquals(50.0, r.percentileMillis(0.50));
        assertEquals(95.0, r.percentileMillis(0.95));
        assertEquals(99.0, r.percentileMillis(0.99));
        assertEquals(100.0, r.throughput(), 1e-9);
    }
}
