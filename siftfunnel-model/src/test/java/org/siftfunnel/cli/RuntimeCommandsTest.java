package org.siftfunnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.cli.CliRun.Outcome;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.runtime.RuntimeFixtures;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.server.CloudServer;
import org.siftfunnel.model.runtime.server.ServerConfig;
import org.siftfunnel.model.train.Checkpoints;

/** {@code export}, {@code edge} and {@code loadtest} through {@link Main#run}. */
class RuntimeCommandsTest {
    @TempDir
    static Path dir;
    static Path export;

    private static Outcome run(String... args) {
        return CliRun.run(args);
    }

    @BeforeAll
    static void exportFromAStateDict() throws IOException {
        SplitModel model = Architectures.create("cnn", "siftfunnel", 1, 16, 10, new RandomSource(3));
        Path weights = dir.resolve("weights.safetensors");
        SafeTensors.writeTensors(weights, model.stateDict(), Map.of());
        export = dir.resolve("export");
        Outcome o = run("export", "--weights", weights.toString(), "--arch", "cnn", "--defense", "siftfunnel", "--channels", "1",
                "--image-size", "16", "--classes", "10", "--out", export.toString());
        assertEquals(0, o.status(), o.all());
        assertTrue(o.out().contains("model id " + ModelBundle.open(export).modelIdHex()), o.all());
        assertTrue(o.out().contains("[12, 4, 4] = 192 values"), o.all());
    }

    @Test
    void exportFromARunFolderAndItsErrors() throws IOException {
        SplitModel model = Architectures.create("cnn", "siftfunnel", 1, 16, 10, new RandomSource(4));
        Path runDir = dir.resolve("run");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("arch", "cnn");
        meta.put("defense", "siftfunnel");
        meta.put("channels", 1);
        meta.put("image_size", 16);
        meta.put("classes", 10);
        Checkpoints.save(runDir, "best", model, null, meta);
        Outcome ok = run("export", "--run", runDir.toString(), "--out", dir.resolve("from-run").toString());
        assertEquals(0, ok.status(), ok.all());
        assertEquals("cnn", ModelBundle.open(dir.resolve("from-run")).manifest().arch());

        Outcome again = run("export", "--run", runDir.toString(), "--out", dir.resolve("from-run").toString());
        assertEquals(1, again.status(), again.all());
        assertTrue(again.err().contains("already holds an export"), again.all());
        assertEquals(0, run("export", "--run", runDir.toString(), "--out", dir.resolve("from-run").toString(), "--force").status());
        Outcome noOut = run("export", "--run", runDir.toString());
        assertEquals(2, noOut.status());
        assertTrue(noOut.err().contains("--out"), noOut.all());
        Outcome both = run("export", "--run", runDir.toString(), "--weights", "x", "--out", "y");
        assertEquals(2, both.status(), both.all());
        Outcome flags = run("export", "--weights", dir.resolve("weights.safetensors").toString(), "--out", dir.resolve("z").toString());
        assertEquals(2, flags.status(), flags.all());
        assertTrue(flags.err().contains("--arch"), flags.all());
    }

    @Test
    void edgeSendsAndTimes() throws IOException {
        ModelBundle bundle = ModelBundle.open(export);
        Path input = dir.resolve("input.safetensors");
        SafeTensors.writeTensors(input, Map.of("input", RuntimeFixtures.testImages(bundle, 5)), Map.of());
        try (CloudServer s = CloudServer.start(bundle, ServerConfig.loopback(), RuntimeFixtures.backend())) {
            Outcome bundled = run("edge", "--cloud", s.uri().toString(), "--model", export.toString(), "--data", "bundled", "--limit", "8",
                    "--batch", "4");
            assertEquals(0, bundled.status(), bundled.all());
            assertTrue(bundled.out().contains("accuracy") && bundled.out().contains("of 8 bundled test images"), bundled.all());
            assertTrue(bundled.out().contains("timing over 2 requests"), bundled.all());
            Outcome int8 = run("edge", "--cloud", s.uri().toString(), "--model", export.toString(), "--images", input.toString(),
                    "--dtype", "int8");
            assertEquals(0, int8.status(), int8.all());
            assertTrue(int8.out().contains("input.safetensors#4") && int8.out().contains("int8"), int8.all());
            Outcome badDtype = run("edge", "--cloud", s.uri().toString(), "--model", export.toString(), "--images", input.toString(),
                    "--dtype", "bf16");
            assertEquals(2, badDtype.status(), badDtype.all());
        }
        Outcome bench = run("edge", "--model", export.toString(), "--bench", "5");
        assertEquals(0, bench.status(), bench.all());
        assertTrue(bench.out().contains("p50") && bench.out().contains("192 values"), bench.all());
        assertTrue(bench.out().contains("the undefended cnn sends 2048"), bench.all());
        Outcome noCloud = run("edge", "--model", export.toString(), "--images", input.toString());
        assertEquals(2, noCloud.status(), noCloud.all());
    }

    @Test
    void loadtestIsBoundedAndChecked() throws IOException {
        ModelBundle bundle = ModelBundle.open(export);
        try (CloudServer s = CloudServer.start(bundle, ServerConfig.loopback(), RuntimeFixtures.backend())) {
            Outcome ok = run("loadtest", "--cloud", s.uri().toString(), "--model", export.toString(), "--clients", "2", "--requests", "3",
                    "--limit", "4");
            assertEquals(0, ok.status(), ok.all());
            assertTrue(ok.out().contains("6 requests") && ok.out().contains("p99") && ok.out().contains("class mismatches 0"), ok.all());
        }
        Outcome remote = run("loadtest", "--cloud", "http://192.0.2.1:8080", "--model", export.toString());
        assertEquals(2, remote.status(), remote.all());
        assertTrue(remote.err().contains("--allow-remote"), remote.all());
    }

    @Test
    void serveRefusesHalfATlsSetup() {
        Outcome o = run("serve", "--model", export.toString(), "--keystore", dir.resolve("ks.p12").toString());
        assertEquals(2, o.status(), o.all());
        assertTrue(o.err().contains("--keystore-password"), o.all());
        assertTrue(Files.isDirectory(export));
    }
}
