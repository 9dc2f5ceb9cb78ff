package org.siftfunnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.timing.OpTimings;

/** {@code --op-timings}: off by default, a table after the work when given, one line on an untimed backend. */
class OpTimingsOptionTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static Options parse(String... args) {
        return Options.parse("predict", List.of(OpTimingsOption.SPEC), args);
    }

    private static void gemm(Backend b) {
        DeviceBuffer a = b.upload(new float[16]);
        b.gemm(false, false, 1, 4, 4, 4, 1f, a, 0, 0, a, 0, 0, 0f, b.allocate(16), 0, 0);
    }

    private PrintStream stream(ByteArrayOutputStream s) {
        return new PrintStream(s, true, StandardCharsets.UTF_8);
    }

    @Test
    void printsTheTableOfTheWorkDoneAfterStart() {
        Backend cpu = Backends.get("cpu");
        OpTimings t = cpu.opTimings().orElseThrow();
        gemm(cpu); // before start: not in the table
        OpTimingsOption option = OpTimingsOption.start(parse("--op-timings"), cpu, stream(err));
        try {
            assertTrue(option.active());
            gemm(cpu);
            gemm(cpu);
            option.print(stream(out));
        } finally {
            t.setEnabled(false);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("op timings on cpu (wall time"), text);
        assertTrue(text.matches("(?s).*\\ngemm\\s+2\\s+.*"), text);
        assertTrue(text.contains("%"), text);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutTheFlagNothingIsRecordedOrPrinted() {
        Backend cpu = Backends.get("cpu");
        OpTimingsOption option = OpTimingsOption.start(parse(), cpu, stream(err));
        assertFalse(option.active());
        assertFalse(cpu.opTimings().orElseThrow().enabled(), "the recorder must stay off without --op-timings");
        option.print(stream(out));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBackendWithoutTimingsGetsOneLine() {
        OpTimingsOption option = OpTimingsOption.start(parse("--op-timings"), Backends.reference(), stream(err));
        assertFalse(option.active());
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("reference backend cannot time its ops"), line);
    }
}
