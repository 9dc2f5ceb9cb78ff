package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.timing.OpTimings;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/** The CPU backend's per-op timings: off by default, and when on, one entry per kernel call. */
class CpuOpTimingsTest {

    private static void work(CpuBackend cpu) {
        DeviceBuffer a = cpu.upload(new float[64 * 64]);
        DeviceBuffer c = cpu.allocate(64 * 64);
        cpu.gemm(false, false, 1, 64, 64, 64, 1f, a, 0, 0, a, 0, 0, 0f, c, 0, 0);
        cpu.gemm(false, false, 1, 64, 64, 64, 1f, a, 0, 0, a, 0, 0, 0f, c, 0, 0);
        cpu.unary(UnaryOp.RELU, c, c, 64 * 64, 0, 0);
        ConvGeometry g = new ConvGeometry(1, 1, 8, 8, 2, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8);
        cpu.conv2d(cpu.allocate(64), cpu.allocate(18), null, cpu.allocate(128), g);
    }

    @Test
    void recordsNothingUnlessEnabled() {
        CpuBackend cpu = new CpuBackend(1, VectorWidth.AUTO);
        OpTimings t = cpu.opTimings().orElseThrow();
        assertSame(t, cpu.opTimings().orElseThrow(), "one recorder per backend");
        work(cpu);
        assertTrue(t.snapshot().isEmpty(), "timings are off by default:\n" + t.table());
    }

    @Test
    void recordsEveryKernelCallByName() {
        CpuBackend cpu = new CpuBackend(2, VectorWidth.AUTO);
        OpTimings t = cpu.opTimings().orElseThrow();
        t.setEnabled(true);
        work(cpu);
        Map<String, Long> calls = t.snapshot().stream().collect(Collectors.toMap(OpTimings.Entry::op, OpTimings.Entry::calls));
        assertEquals(2L, calls.get("gemm"), t.table());
        assertEquals(1L, calls.get("unary/RELU"), t.table());
        assertEquals(1L, calls.get("conv2d"), t.table());
        assertEquals(1L, calls.get("upload"), t.table());
        assertEquals(4L, calls.get("allocate"), t.table());
        assertTrue(t.snapshot().stream().allMatch(e -> e.totalNanos() >= 0));
        t.setEnabled(false);
        work(cpu);
        assertEquals(2L, t.snapshot().stream().filter(e -> e.op().equals("gemm")).findFirst().orElseThrow().calls(),
                "nothing is added once recording is switched off");
    }
}
