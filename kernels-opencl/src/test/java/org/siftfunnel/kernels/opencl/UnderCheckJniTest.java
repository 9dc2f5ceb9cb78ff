package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.testing.ChildJvm;

/**
 * The backend gives right answers under {@code -Xcheck:jni}, the JVM option one reaches for when
 * hunting a native crash. JOCL fills a Java array only where the JVM lets native code write it in
 * place, so under that option every device limit read into an array and every download came back
 * as zeros (and the first launch divided by a work-group size of 0). Queries now go through native
 * buffers ({@link InfoBuffer}); downloads do when a test read at start-up finds that reads into
 * arrays do not arrive, and otherwise keep the faster direct path.
 */
class UnderCheckJniTest {
    @Test
    void limitsDownloadsAndIndexErrorsAreRightUnderCheckJni() throws IOException, InterruptedException {
        // backend() skips (fails in CI) without OpenCL. In this JVM downloads take the direct path,
        // unless the whole suite runs under -Xcheck:jni (it passes that way too).
        boolean checkJniHere = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xcheck:jni");
        assertEquals(!checkJniHere, OpenClTestSupport.backend().readsIntoArrays(),
                "downloads should go straight into arrays exactly when the JVM runs without -Xcheck:jni");
        ChildJvm.Result r = ChildJvm.run(CheckJniProbe.class, List.of("--enable-native-access=ALL-UNNAMED", "-Xcheck:jni"));
        assertEquals(0, r.exitCode(), r.describe());
        List<String> lines = r.stdoutLines();
        // -Xcheck:jni prints its own warnings to standard output, sometimes in the middle of a
        // line of ours: look for each result anywhere.
        String all = String.join("\n", lines);
        int n = 2 * ClRuntime.DOWNLOAD_STAGE_FLOATS + 12345;
        for (String expected : List.of("device: true", "wrong: 0 of " + n, "staged: true", "index: gather: index 7 out of range [0, 3)")) {
            assertTrue(all.contains(expected), "expected '" + expected + "' in:\n" + all);
        }
    }
}
