package org.siftfunnel.kernels.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM without {@code jdk.incubator.vector} must fall back to the scalar kernel and say so once. */
class ScalarFallbackTest {

    @Test
    void jvmWithoutTheVectorModuleUsesTheScalarKernel() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                NoVectorModuleProbe.class.getName());
        // Options in these variables would reach the child JVM (and could add the module back).
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        File stderr = File.createTempFile("probe", ".err");
        stderr.deleteOnExit();
        builder.redirectError(stderr);
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        String err = Files.readString(stderr.toPath());
        assertEquals(0, process.exitValue(), "probe failed:\n" + stdout + err);
        List<String> lines = stdout.lines().toList();
        assertTrue(lines.get(0).startsWith("scalar 4x4 tile"), stdout);
        assertEquals("result: exact", lines.get(1), stdout);
        long warnings = err.lines().filter(l -> l.contains("jdk.incubator.vector is unavailable")).count();
        assertEquals(1, warnings, err);
    }
}
