package org.siftfunnel.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EdgeMainTest {
    private static String[] run(int expectedStatus, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EdgeMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, o + e);
        return new String[] {o, e};
    }

    @Test
    void helpAndUsageErrors() {
        assertTrue(run(0, "--help")[0].contains("java -jar edge-client.jar"));
        assertTrue(run(2, "--cloud", "http://127.0.0.1:9", "--images", "x.png")[1].contains("--model DIR is required"));
        assertTrue(run(2, "--model", "m", "--images", "x.png")[1].contains("--cloud URL is required"));
        assertTrue(run(2, "--model", "m", "--cloud", "http://127.0.0.1:9")[1].contains("--images PATH is required"));
        assertTrue(run(2, "--model", "m", "--verbose", "1")[1].contains("unknown option --verbose"));
        assertTrue(run(2, "--model", "m", "--cloud", "u", "--images", "x", "--dtype", "bf16")[1].contains("unknown wire dtype"));
        assertTrue(run(2, "--model", "m", "--cloud", "u", "--images", "x", "--batch", "0")[1].contains("--batch"));
        assertTrue(run(2, "--model")[1].contains("needs a value"));
    }

    @Test
    void aMissingExportIsOneLine() {
        String err = run(1, "--model", "/nonexistent/export", "--cloud", "http://127.0.0.1:9", "--images", "x.png")[1];
        assertTrue(err.contains("/nonexistent/export") && err.strip().lines().count() == 1, err);
    }
}
