package org.siftfunnel.kernels.opencl;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.testing.ChildJvm;

/**
 * OpenCL drivers must not take the JVM's signal handlers away (see {@link JvmSignalHandlers}):
 * with PoCL, LLVM's replaced them, and a JVM whose threads met a safepoint together could die
 * with a bare "Segmentation fault"; PoCL's SIGFPE handler made Java's {@code 7 / 0} give 7.
 */
class JvmSignalHandlersTest {
    /** SIGURG: ignored by default and unused by the JVM, so the test may change it briefly. */
    private static final int SIGURG = 23;

    @Test
    void aHandlerReplacedDuringTheCallIsPutBack() {
        assumeTrue(JvmSignalHandlers.active(), "signal handlers are only guarded on Linux (x86-64, aarch64)");
        try (Arena arena = Arena.ofConfined()) {
            long before = JvmSignalHandlers.handler(arena, SIGURG);
            MemorySegment ignore = arena.allocate(256, 16); // handler SIG_IGN (1), empty mask, no flags
            ignore.set(JAVA_LONG, 0, 1L);
            int restoredBefore = JvmSignalHandlers.restoredCount();
            String result = JvmSignalHandlers.around(() -> {
                JvmSignalHandlers.setDisposition(SIGURG, ignore);
                assertEquals(1L, JvmSignalHandlers.handler(Arena.ofAuto(), SIGURG), "the test's handler was not set");
                return "ran";
            });
            assertEquals("ran", result);
            assertEquals(before, JvmSignalHandlers.handler(arena, SIGURG), "SIGURG's handler was not put back");
            assertEquals(restoredBefore + 1, JvmSignalHandlers.restoredCount());
        }
    }

    @Test
    void aCallThatChangesNothingRestoresNothing() {
        assumeTrue(JvmSignalHandlers.active(), "signal handlers are only guarded on Linux (x86-64, aarch64)");
        int restoredBefore = JvmSignalHandlers.restoredCount();
        JvmSignalHandlers.around(() -> { });
        assertEquals(restoredBefore, JvmSignalHandlers.restoredCount());
    }

    /**
     * In a fresh JVM (PoCL initialises once per process), the first use of OpenCL leaves every
     * handler the JVM's, and Java's integer division by zero still throws. The same probe with the guard switched off shows that the check can fail:
     * with PoCL the handlers change as soon as the devices are listed.
     */
    @Test
    void firstUseOfOpenClInAFreshJvmKeepsTheJvmsHandlers() throws IOException, InterruptedException {
        OpenClTestSupport.backend(); // skips (fails in CI) without OpenCL
        assumeTrue(JvmSignalHandlers.active(), "signal handlers are only guarded on Linux (x86-64, aarch64)");

        List<String> guarded = probe(true);
        assertEquals("listed: unchanged", guarded.get(2), String.join("\n", guarded));
        assertEquals("ran: unchanged", guarded.get(3), String.join("\n", guarded));
        assertEquals("sum: 4352.0", guarded.get(1)); // 16·16 + 1, summed over 16×16
        assertEquals("division: ArithmeticException", guarded.get(4), String.join("\n", guarded));

        if (guarded.get(0).contains("Portable Computing Language")) {
            List<String> unguarded = probe(false);
            assertTrue(unguarded.get(2).startsWith("listed: ") && unguarded.get(2).contains("11"),
                    "with the guard off, PoCL should have replaced SIGSEGV's handler: " + String.join("\n", unguarded));
            // Not asserted (a safepoint in between would put the JVM's handlers back), but seen:
            // with PoCL's SIGFPE handler, 7 / 0 quietly gave 7.
            System.out.println("without the guard: " + unguarded.get(4));
        }
    }

    private static List<String> probe(boolean guard) throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(SignalHandlerProbe.class, List.of("--enable-native-access=ALL-UNNAMED",
                "-Dsiftfunnel.opencl.keepJvmSignalHandlers=" + guard));
        assertEquals(0, r.exitCode(), r.describe());
        List<String> lines = r.stdoutLines();
        assertEquals(5, lines.size(), String.join("\n", lines));
        return lines;
    }
}
