package org.siftfunnel.engine.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe's {@code main} in a fresh JVM (this JVM's {@code java}, this test's class path),
 * for what only shows in a new process: a JVM started without an option, a driver's first
 * initialisation, a JVM debugging option. {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}
 * are removed from the child's environment, as they would add options behind the test's back.
 */
public final class ChildJvm {
    /** What the child printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        /** Both streams, for a failure message. */
        public String describe() {
            return "exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private ChildJvm() {
    }

    /** Runs {@code probe} with {@code jvmOptions} before the class path; fails the test after two minutes. */
    public static Result run(Class<?> probe, List<String> jvmOptions) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), probe.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        // Standard error to a file, so that neither stream can fill its pipe and stall the child.
        File stderr = File.createTempFile("child-jvm", ".err");
        try {
            builder.redirectError(stderr);
            Process process = builder.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean finished = process.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            assertTrue(finished, "child JVM running " + probe.getSimpleName() + " did not finish in 120 s");
            return new Result(process.exitValue(), stdout, Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stderr.toPath());
        }
    }
}
