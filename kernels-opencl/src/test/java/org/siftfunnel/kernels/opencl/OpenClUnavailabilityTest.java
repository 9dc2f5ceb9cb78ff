package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jocl.CL;
import org.jocl.CLException;
import org.junit.jupiter.api.Test;

/**
 * What the backend says when OpenCL is missing: each failure JOCL can raise maps to one line
 * that names the cause and how to fix it. Needs no OpenCL device.
 */
class OpenClUnavailabilityTest {

    private static void assertOneLine(String line) {
        assertFalse(line.isBlank(), "empty reason");
        assertFalse(line.contains("\n") || line.contains("\r"), "reason must be one line: " + line);
    }

    @Test
    void noIcdMeansNoPlatform() {
        String line = OpenClInfo.unavailabilityLine(
                new CLException("CL_PLATFORM_NOT_FOUND_KHR", CL.CL_PLATFORM_NOT_FOUND_KHR));
        assertEquals("no OpenCL platform found (install an ICD, e.g. apt-get install pocl-opencl-icd)", line);
    }

    @Test
    void otherOpenClErrorsAreNamed() {
        String line = OpenClInfo.unavailabilityLine(new CLException("CL_OUT_OF_HOST_MEMORY", CL.CL_OUT_OF_HOST_MEMORY));
        assertOneLine(line);
        assertTrue(line.startsWith("OpenCL failed while listing devices: "), line);
        assertTrue(line.contains("pocl-opencl-icd"), "the line should say how to install OpenCL: " + line);
    }

    @Test
    void missingLibraryIsALinkageError() {
        String line = OpenClInfo.unavailabilityLine(new UnsatisfiedLinkError(
                "libOpenCL.so.1: cannot open shared object file: No such file or directory\n\tat somewhere"));
        assertOneLine(line);
        assertTrue(line.startsWith("the OpenCL library could not be loaded (libOpenCL.so.1: cannot open shared object file"), line);
        assertTrue(line.contains("ocl-icd-libopencl1"), "the line should name the loader package: " + line);
    }

    @Test
    void failedJoclInitialisationIsALinkageErrorToo() {
        String line = OpenClInfo.unavailabilityLine(new NoClassDefFoundError("Could not initialize class org.jocl.CL"));
        assertOneLine(line);
        assertTrue(line.contains("Could not initialize class org.jocl.CL"), line);
    }

    @Test
    void anythingElseStillGivesOneLine() {
        String line = OpenClInfo.unavailabilityLine(new IllegalStateException());
        assertOneLine(line);
        assertEquals("OpenCL is not usable: IllegalStateException: no details", line);
    }

    @Test
    void theProbeNeverThrowsAndIsStable() {
        String first = OpenClInfo.unavailableReason();
        assertEquals(first, OpenClInfo.unavailableReason());
        if (first != null) {
            assertOneLine(first);
        }
        String platforms = OpenClInfo.describePlatforms();
        assertFalse(platforms.isBlank());
        assertEquals(first == null, !platforms.startsWith("OpenCL: "), "describePlatforms must agree with the probe: " + platforms);
        assertEquals(first, new OpenClBackendProvider().unavailableReason());
    }
}
