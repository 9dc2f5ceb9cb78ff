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
        assertEquals(2, run("demo", "--image-size", "40"));
        assertTrue(errText().contains("multiple of 16"), errText());
    }

    @Test
    void unknownDeviceIsAClearError() {
        assertEquals(1, run("demo", "--device", "tpu"));
        assertTrue(errText().contains("unknown device 'tpu'"), errText());
    }

    @Test
    void demoRunsTheWholeJobAndWritesItsOutputs(@TempDir Path dir) throws Exception {
        assertEquals(0, run("demo", "--epochs", "1", "--train-limit", "64", "--test-limit", "32",
                "--image-size", "16", "--mine", "off", "--decoder-epochs", "1", "--inversion-iterations", "2",
                "--out", dir.toString()), errText());
        for (String model : new String[] {"none-seed1", "siftfunnel-seed1", "nopeek-seed1"}) {
            assertTrue(Files.size(dir.resolve("train").resolve(model).resolve("checkpoints/best.safetensors")) > 0, model);
        }
        String results = Files.readString(dir.resolve("results.json"));
        for (String defense : new String[] {"none", "noise", "dropout", "nopeek", "siftfunnel"}) {
            assertTrue(results.contains("\"" + defense + "\": {"), defense + " missing in " + results);
        }
        assertTrue(results.contains("\"edge_params\": 9202"), results);
        for (String attack : new String[] {"blackbox", "whitebox", "adaptive-blackbox"}) {
            assertTrue(Files.isRegularFile(dir.resolve("recon/siftfunnel/" + attack + ".safetensors")), attack);
        }
    }
}
