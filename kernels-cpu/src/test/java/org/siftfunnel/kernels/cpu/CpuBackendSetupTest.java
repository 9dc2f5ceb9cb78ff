package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.testing.ChildJvm;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendProvider;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.kernels.cpu.gemm.Sgemm;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/** Registration, configuration, description, errors, and the fallback without the Vector API. */
class CpuBackendSetupTest {

    @Test
    void isRegisteredAndIsTheDefaultBackend() {
        List<BackendProvider> providers = Backends.providers();
        BackendProvider cpu = providers.stream().filter(p -> p.name().equals("cpu")).findFirst().orElseThrow();
        assertEquals(10, cpu.priority());
        assertEquals(null, cpu.unavailableReason());
        assertEquals("cpu", providers.get(0).name(), "cpu must outrank the reference backend");
        assertInstanceOf(CpuBackend.class, Backends.get("cpu"));
        if (System.getProperty("siftfunnel.device") == null) {
            assertEquals("cpu", Backends.getDefault().name());
        }
    }

    @Test
    void rejectsQualifiersAndBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuBackendProvider().create("4"));
        assertTrue(e.getMessage().contains("siftfunnel.threads"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(0, VectorWidth.AUTO));
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(1, null));
    }

    @Test
    void describesWidthAndThreads() {
        assertEquals("cpu: 256-bit SIMD (Vector API), 2 threads", new CpuBackend(2, VectorWidth.BITS_256).description());
        assertEquals("cpu: 128-bit SIMD (Vector API), 1 thread", new CpuBackend(1, VectorWidth.BITS_128).description());
        assertEquals("cpu: scalar, 3 threads", new CpuBackend(3, VectorWidth.SCALAR).description());
        CpuBackend auto = new CpuBackend(1, VectorWidth.AUTO);
        assertTrue(auto.vectorBits() >= 128, auto.description());
        assertEquals("cpu", auto.name());
    }

    @Test
    void readsThreadsAndWidthFromSystemProperties() {
        String threads = System.getProperty(Sgemm.THREADS_PROPERTY);
        String width = System.getProperty(VectorWidth.PROPERTY);
        try {
            System.setProperty(Sgemm.THREADS_PROPERTY, "3");
            System.setProperty(VectorWidth.PROPERTY, "128");
            CpuBackend b = new CpuBackend();
            assertEquals(3, b.threads());
            assertEquals(128, b.vectorBits());
            System.setProperty(VectorWidth.PROPERTY, "scalar");
            assertEquals(0, new CpuBackend().vectorBits());
        } finally {
            restore(Sgemm.THREADS_PROPERTY, threads);
            restore(VectorWidth.PROPERTY, width);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void buffersAreInterchangeableWithTheReferenceBackend() {
        Backend cpu = new CpuBackend(2, VectorWidth.AUTO);
        Backend ref = new ReferenceBackend();
        Tensor a = Tensor.randn(ref, new RandomSource(3), 0f, 1f, 5, 7);
        Tensor onCpu = a.to(cpu);
        assertEquals(cpu, onCpu.backend());
        // A reference buffer handed straight to the cpu kernels works too (same heap arrays).
        float[] out = new float[35];
        cpu.download(a.exp().buffer(), 0, out, 0, 35);
        float[] want = a.toArray();
        for (int i = 0; i < 35; i++) {
            assertEquals((float) Math.exp(want[i]), out[i], 1e-6 * Math.exp(want[i]));
        }
        float[] back = onCpu.mul(2f).to(ref).toArray();
        for (int i = 0; i < 35; i++) {
            assertEquals(2 * want[i], back[i]);
        }
    }

    /** A plain {@code java} without --add-modules: one warning line, scalar kernels, correct results. */
    @Test
    void fallsBackToScalarKernelsWithoutTheVectorApi() throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(NoVectorApiMain.class, List.of());
        assertEquals(0, r.exitCode(), r.describe());
        String out = r.stdout();
        String err = r.stderr();
        List<String> outLines = out.lines().toList();
        assertEquals(List.of("cpu: scalar (no Vector API), 2 threads", "cpu: scalar (no Vector API), 1 thread", "OK"), outLines);
        List<String> errLines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, errLines.size(), "exactly one line on stderr, got: " + err);
        assertTrue(errLines.get(0).contains("jdk.incubator.vector") && errLines.get(0).contains("--add-modules"), errLines.get(0));
    }
}
