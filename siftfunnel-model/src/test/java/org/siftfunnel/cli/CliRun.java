package org.siftfunnel.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the CLI in-process the way the launcher does, capturing what it prints: {@code Main.run}
 * with its own streams, and System.out/err pointed at them too (some stages print through those).
 */
final class CliRun {
    private CliRun() {
    }

    /** Exit status and the captured output of one run. */
    record Outcome(int status, String out, String err) {
        String all() {
            return "status " + status + "\nstdout:\n" + out + "stderr:\n" + err;
        }
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(o);
        System.setErr(e);
        try {
            int status = Main.run(args, o, e);
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
