package org.siftfunnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rendersAFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("results.json"), """
                {"defenses": {"none": {"accuracy": 0.9, "attacks": {"blackbox": {"ssim": 0.6, "mse": 0.02}}},
                              "siftfunnel": {"accuracy": 0.89, "attacks": {"blackbox": {"ssim": 0.2, "mse": 0.05}}}}}
                """);
        assertEquals(0, run("report", dir.toString()), errText());
        assertTrue(Files.isRegularFile(dir.resolve("report.md")));
        assertTrue(Files.isRegularFile(dir.resolve("report.html")));
        assertTrue(Files.isRegularFile(dir.resolve("figures/privacy-utility-ssim.png")));
    }

    @Test
    void wrongArgumentsAreOneLineUsageErrors(@TempDir Path dir) {
        assertEquals(2, run("report"));
        assertTrue(errText().contains("report: expects one evaluation folder"), errText());
        err.reset();
        assertEquals(2, run("report", dir.resolve("nope").toString()));
        assertTrue(errText().contains("is not a folder"), errText());
        err.reset();
        assertEquals(2, run("report", dir.toString()));
        assertTrue(errText().contains("results.json not found"), errText());
        assertEquals(1, errText().strip().lines().count(), errText());
    }

    @Test
    void malformedResultsAreOneLineErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("results.json"), "{\"defenses\": {\"none\": {\"accuracy\": true}}}");
        assertEquals(1, run("report", dir.toString()));
        String first = errText().lines().findFirst().orElse("");
        assertTrue(first.contains("results.json: defenses.none.accuracy: expected a number, got true"), errText());
    }
}
