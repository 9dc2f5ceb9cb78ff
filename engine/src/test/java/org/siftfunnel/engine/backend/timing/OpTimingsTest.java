package org.siftfunnel.engine.backend.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;

class OpTimingsTest {

    @Test
    void recordsNothingUntilEnabled() {
        OpTimings t = new OpTimings("test time");
        assertFalse(t.enabled());
        t.stop("gemm", t.start());
        t.record("conv2d", 5);
        assertTrue(t.snapshot().isEmpty(), "a disabled recorder must record nothing");
        t.setEnabled(true);
        t.stop("gemm", t.start());
        t.record("conv2d", 5);
        assertEquals(2, t.snapshot().size());
    }

    @Test
    void sumsCallsPerOpLargestFirst() {
        OpTimings t = new OpTimings("test time");
        t.setEnabled(true);
        t.record("a", 100);
        t.record("b", 1_000);
        t.record("a", 200);
        List<OpTimings.Entry> entries = t.snapshot();
        assertEquals(new OpTimings.Entry("b", 1, 1_000), entries.get(0));
        assertEquals(new OpTimings.Entry("a", 2, 300), entries.get(1));
        assertEquals(0.15, entries.get(1).meanMicros(), 1e-12);
        t.reset();
        assertTrue(t.snapshot().isEmpty());
    }

    @Test
    void tableHasShareOfTotalAndATotalLine() {
        OpTimings t = new OpTimings("test time");
        t.setEnabled(true);
        t.record("gemm", 3_000_000);
        t.record("conv2d", 1_000_000);
        String[] lines = t.table().split("\\R");
        assertTrue(lines[0].matches("op\\s+calls\\s+total ms\\s+%\\s+mean µs"), lines[0]);
        assertTrue(lines[1].matches("gemm\\s+1\\s+3\\.000\\s+75\\.0%\\s+3000\\.0"), lines[1]);
        assertTrue(lines[2].matches("conv2d\\s+1\\s+1\\.000\\s+25\\.0%\\s+1000\\.0"), lines[2]);
        assertTrue(lines[3].matches("total\\s+2\\s+4\\.000\\s+100\\.0%\\s+2000\\.0"), lines[3]);
        assertEquals("(nothing recorded)", new OpTimings("x").table().strip());
    }

    @Test
    void flushRunsBeforeEveryRead() {
        int[] flushes = {0};
        OpTimings t = new OpTimings("device time", () -> flushes[0]++, true);
        t.snapshot();
        t.reset();
        assertEquals(2, flushes[0]);
    }

    @Test
    void theReferenceBackendHasNoRecorder() {
        assertTrue(Backends.reference().opTimings().isEmpty());
    }
}
