package org.siftfunnel.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.defense.Defenses;
import org.siftfunnel.model.inference.ModelSpec;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.export.ModelExporter;
import org.siftfunnel.model.runtime.server.CloudServer;
import org.siftfunnel.model.runtime.server.ServerConfig;

/**
 * The built {@code edge-client.jar} (run in the package phase, after shading): it holds only
 * edge-side code, and a plain {@code java -jar} (no Vector API module: scalar kernels) sends
 * features to an in-process server and prints the same classes as the local full model.
 */
class StandaloneJarTest {
    private static Path jar() {
        String p = System.getProperty("edge.jar");
        // The pom sets edge.jar only for the package-phase execution; a -Dtest run in the test
        // phase (before shading) has nothing to check.
        assumeTrue(p != null, "runs in the package phase, after shading (system property edge.jar)");
        assertTrue(Files.isRegularFile(Path.of(p)), "the shaded jar is missing: " + p);
        return Path.of(p);
    }

    @Test
    void holdsOnlyEdgeSideClasses() throws Exception {
        List<String> entries = new ArrayList<>();
        try (JarFile jf = new JarFile(jar().toFile())) {
            Collections.list(jf.entries()).forEach(e -> entries.add(e.getName()));
            assertEquals("org.siftfunnel.edge.EdgeMain", jf.getManifest().getMainAttributes().getValue("Main-Class"));
        }
        for (String forbidden : List.of("org/ejml/", "org/jocl/", "org/jfree/", "org/siftfunnel/cli/", "org/siftfunnel/kernels/opencl/",
                "org/siftfunnel/model/attack/", "org/siftfunnel/model/metrics/", "org/siftfunnel/model/train/",
                "org/siftfunnel/model/runtime/server/", "org/siftfunnel/model/runtime/export/", "org/siftfunnel/model/runtime/loadtest/",
                "data/fashion-mnist-subset/")) {
            List<String> found = entries.stream().filter(n -> n.startsWith(forbidden)).limit(3).toList();
            assertEquals(List.of(), found, "the edge jar must not contain " + forbidden);
        }
        for (String required : List.of("org/siftfunnel/edge/EdgeMain.class", "org/siftfunnel/model/runtime/edge/EdgeClient.class",
                "org/siftfunnel/model/arch/SiftFunnelCnn.class", "org/siftfunnel/engine/tensor/Tensor.class",
                "org/siftfunnel/kernels/cpu/CpuBackend.class", "META-INF/services/org.siftfunnel.engine.backend.BackendProvider")) {
            assertTrue(entries.contains(required), "the edge jar lacks " + required);
        }
        System.out.println("edge-client.jar: " + Files.size(jar()) + " bytes, " + entries.size() + " entries");
    }

    @Test
    void plainJavaJarRunsTheEdgeAgainstAServer(@TempDir Path dir) throws Exception {
        runsAgainstAServer("siftfunnel", dir);
    }

    @Test
    void plainJavaJarRunsAMidEdge(@TempDir Path dir) throws Exception {
        // MID's edge ends in its bottleneck: the jar must rebuild it from the manifest alone (no defense or training classes).
        runsAgainstAServer("mid", dir);
    }

    private void runsAgainstAServer(String defense, Path dir) throws Exception {
        Path jar = jar();
        ModelSpec spec = new ModelSpec("cnn", defense, 1, 16, 10);
        SplitModel model = Defenses.architecture(defense, "cnn", spec.config(), new RandomSource(77));
        ModelBundle bundle = ModelExporter.export(model, spec, Normalization.GREY, null, "seed 77", dir.resolve("export"), false);
        Random r = new Random(5);
        float[] x = new float[3 * 256];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Tensor input = Tensor.of(Backends.getDefault(), x, 3, 1, 16, 16);
        Path inputFile = dir.resolve("in.safetensors");
        SafeTensors.writeTensors(inputFile, Map.of("input", input), Map.of());
        SplitModel full = bundle.loadBoth(Backends.getDefault());
        int[] expected;
        try (GradMode.Scope _ = GradMode.noGrad()) {
            Tensor z = full.features(input);
            expected = new Prediction(z, full.cloud().forward(z)).predictedClasses();
        }

        try (CloudServer server = CloudServer.start(bundle, ServerConfig.loopback(), Backends.getDefault())) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--cloud", server.uri().toString(), "--model",
                    bundle.dir().toString(), "--images", inputFile.toString(), "--batch", "3")
                    .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "java -jar did not finish");
            String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
            String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "stdout:\n" + out + "\nstderr:\n" + err);
            assertEquals(1, err.lines().filter(l -> l.contains("using scalar kernels")).count(),
                    "one line says the Vector API is missing:\n" + err);
            Matcher m = Pattern.compile("in\\.safetensors#(\\d+)\\s+class (\\d+)").matcher(out);
            int[] got = new int[3];
            int seen = 0;
            while (m.find()) {
                got[Integer.parseInt(m.group(1))] = Integer.parseInt(m.group(2));
                seen++;
            }
            assertEquals(3, seen, out);
            assertArrayEquals(expected, got, out);
            assertTrue(out.contains("round trip") && out.contains("cloud compute") && out.contains("bytes sent"), out);
            assertEquals(1, server.metrics().requests("/v1/infer", 200));
        }
    }
}
