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

/** The evaluate command's user errors: one line, exit status 2, naming the option and the problem. */
class EvaluateCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String usageError(String... args) {
        err.reset();
        assertEquals(2, run(args), () -> "expected a usage error for " + String.join(" ", args) + "; stderr: " + err);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.strip().lines().count(), text);
        return text;
    }

    @Test
    void unknownDefenseIsNamedWithTheKnownOnes(@TempDir Path dir) {
        String e = usageError("evaluate", "--defenses", "none,shield", "--out", dir.toString());
        assertTrue(e.contains("--defenses: unknown name 'shield'") && e.contains("siftfunnel"), e);
    }

    @Test
    void unknownAttackIsNamedWithTheKnownOnes(@TempDir Path dir) {
        String e = usageError("evaluate", "--attacks", "blackbox,telepathy", "--out", dir.toString());
        assertTrue(e.contains("--attacks: unknown name 'telepathy'") && e.contains("whitebox-paper"), e);
    }

    @Test
    void repeatedNamesAreRejected(@TempDir Path dir) {
        String e = usageError("evaluate", "--defenses", "none,none", "--out", dir.toString());
        assertTrue(e.contains("'none' is given twice"), e);
    }

    @Test
    void badSweepSyntaxIsAClearError(@TempDir Path dir) {
        assertTrue(usageError("evaluate", "--sweep", "noise.sigma", "--out", dir.toString()).contains("no '='"));
        assertTrue(usageError("evaluate", "--sweep", "noise=0.5", "--out", dir.toString()).contains("DEFENSE.PARAMETER"));
        assertTrue(usageError("evaluate", "--sweep", "noise.rate=0.5", "--out", dir.toString()).contains("has no parameter 'rate'"));
        assertTrue(usageError("evaluate", "--sweep", "noise.sigma=0.5,abc", "--out", dir.toString()).contains("'abc' is not a number"));
        assertTrue(usageError("evaluate", "--sweep", "shield.sigma=1", "--out", dir.toString()).contains("unknown defense 'shield'"));
        assertTrue(usageError("evaluate", "--sweep", "dropout.rate=1.5", "--out", dir.toString()).contains("[0, 1)"));
    }

    @Test
    void badBudgetsAndConfigKeysAreClearErrors(@TempDir Path dir) throws Exception {
        assertTrue(usageError("evaluate", "--seeds", "0", "--out", dir.toString()).contains("seeds must be an integer ≥ 1"));
        assertTrue(usageError("evaluate", "--mine", "maybe", "--out", dir.toString()).contains("mine expects on or off"));
        String w = usageError("evaluate", "--wire-dtype", "int4", "--out", dir.toString());
        assertTrue(w.contains("unknown wire dtype 'int4'") && w.contains("float16"), w);
        Path cfg = dir.resolve("eval.json");
        Files.writeString(cfg, "{\"attacks\": [\"blackbox\", \"nothing\"]}");
        String e = usageError("evaluate", "--config", cfg.toString(), "--out", dir.toString());
        assertTrue(e.contains("eval.json") && e.contains("unknown name 'nothing'"), e);
        Files.writeString(cfg, "{\"defense\": \"nopeek\"}");
        assertTrue(usageError("evaluate", "--config", cfg.toString(), "--out", dir.toString()).contains("use 'defenses'"));
    }
}
