package org.siftfunnel.kernels.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.testing.ChildJvm;

/** A JVM without {@code jdk.incubator.vector} must fall back to the scalar kernel and say so once. */
class ScalarFallbackTest {

    @Test
    void jvmWithoutTheVectorModuleUsesTheScalarKernel() throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(NoVectorModuleProbe.class, List.of());
        assertEquals(0, r.exitCode(), "probe failed:\n" + r.describe());
        String stdout = r.stdout();
        String err = r.stderr();
        List<String> lines = stdout.lines().toList();
        assertTrue(lines.get(0).startsWith("scalar 4x4 tile"), stdout);
        assertEquals("result: exact", lines.get(1), stdout);
        long warnings = err.lines().filter(l -> l.contains("jdk.incubator.vector is unavailable")).count();
        assertEquals(1, warnings, err);
    }
}
