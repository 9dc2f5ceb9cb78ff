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

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsCommands() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("demo") && text.contains("test") && text.contains("info"), text);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : Main.commands().keySet()) {
            out.reset();
            assertEquals(0, run(c, "--help"), c);
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: ./siftfunnel " + c), c);
        }
    }

    @Test
    void unknownCommandIsOneLineUsageError() {
        assertEquals(2, run("frobnicate"));
        assertEquals(1, errText().strip().lines().count(), errText());
        assertTrue(errText().contains("unknown command 'frobnicate'"), errText());
    }

    @Test
    void unknownOptionAndBadNumbersAreUsageErrors() {
        assertEquals(2, run("demo", "--epochz", "3"));
        assertTrue(errText().contains("unknown option --epochz"), errText());
        err.reset();
        assertEquals(2, run("demo", "--epochs", "three"));
        assertTrue(errText().contains("--epochs expects an integer, got 'three'"), errText());
        err.reset();
        assertEquals(2, run("demo", "--epochs"));
        assertTrue(errText().contains("needs a value"), errText());
        err.reset();
        assertEquals(2, run("demo", "--image-size", "10"));
        assertTrue(errText().contains("multiple of 4"), errText());
    }

    @Test
    void unknownDeviceIsAClearError() {
        assertEquals(1, run("demo", "--device", "tpu"));
        assertTrue(errText().contains("unknown device 'tpu'"), errText());
    }

    @Test
    void demoTrainsAndWritesItsOutputs(@TempDir Path dir) throws Exception {
        assertEquals(0, run("demo", "--device", "reference", "--epochs", "1", "--train-size", "256", "--test-size", "64",
                "--image-size", "8", "--out", dir.toString()), errText());
        assertTrue(Files.size(dir.resolve("model.safetensors")) > 0);
        assertTrue(Files.readString(dir.resolve("metrics.json")).contains("test_accuracy"));
    }
}
