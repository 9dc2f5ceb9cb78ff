package org.siftfunnel.kernels.opencl;

import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_NOT_FOUND_KHR;
import static org.jocl.CL.CL_PLATFORM_VENDOR;
import static org.jocl.CL.CL_PLATFORM_VERSION;

import java.util.List;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_platform_id;

/**
 * What OpenCL this machine has, in words: for {@code siftfunnel info} and for the one-line
 * reason the backend gives when it cannot run.
 */
public final class OpenClInfo {
    /** The hint every "no OpenCL" line ends with. */
    static final String INSTALL_HINT = "install an ICD, e.g. apt-get install pocl-opencl-icd";

    private static volatile String cachedReason;
    private static volatile boolean probed;

    private OpenClInfo() {
    }

    /**
     * Every platform and device with its limits (type, compute units, maximum work-group size,
     * global/local memory, largest allocation, OpenCL version), one device per line. Never
     * throws: without OpenCL it returns the reason line.
     */
    public static String describePlatforms() {
        StringBuilder sb = new StringBuilder();
        try {
            cl_platform_id[] platforms = ClDevices.platforms();
            List<ClDevice> devices = ClDevices.list();
            for (int p = 0; p < platforms.length; p++) {
                String name = ClDevices.platformString(platforms[p], CL_PLATFORM_NAME);
                sb.append(String.format("platform %d: %s (%s, %s)%n", p, name,
                        ClDevices.platformString(platforms[p], CL_PLATFORM_VENDOR),
                        ClDevices.platformString(platforms[p], CL_PLATFORM_VERSION)));
                boolean any = false;
                for (ClDevice d : devices) {
                    if (d.platform().equals(platforms[p])) {
                        any = true;
                        sb.append(String.format(
                                "  device %d (opencl:%d): %s [%s] %s, %d compute units, max work-group %d, "
                                        + "global %s, local %s, max allocation %s%s%n",
                                d.index(), d.index(), d.name(), d.type(), d.version(), d.computeUnits(), d.maxWorkGroup(),
                                bytes(d.globalMemBytes()), bytes(d.localMemBytes()), bytes(d.maxAllocBytes()),
                                d.fp64() ? ", fp64" : ""));
                    }
                }
                if (!any) {
                    sb.append("  (no devices)").append(System.lineSeparator());
                }
            }
            return sb.toString().stripTrailing();
        } catch (CLException | LinkageError e) {
            return "OpenCL: " + unavailabilityLine(e);
        }
    }

    /**
     * Null when at least one OpenCL device is usable, else one line saying why not. Probes
     * once per process (loading the ICDs is slow) and never throws.
     */
    public static String unavailableReason() {
        if (!probed) {
            synchronized (OpenClInfo.class) {
                if (!probed) {
                    String reason;
                    try {
                        reason = ClDevices.list().isEmpty()
                                ? "OpenCL platforms found but none has a device (" + INSTALL_HINT + ")"
                                : null;
                    } catch (Throwable t) { // the probe must never throw, whatever a broken driver does
                        reason = unavailabilityLine(t);
                    }
                    cachedReason = reason;
                    probed = true;
                }
            }
        }
        return cachedReason;
    }

    /** Maps what JOCL threw while looking for OpenCL to one line a user can act on. */
    public static String unavailabilityLine(Throwable t) {
        if (t instanceof CLException cl) {
            if (cl.getStatus() == CL_PLATFORM_NOT_FOUND_KHR) {
                return "no OpenCL platform found (" + INSTALL_HINT + ")";
            }
            return "OpenCL failed while listing devices: " + errorName(cl.getStatus()) + " (" + INSTALL_HINT + ")";
        }
        if (t instanceof LinkageError) {
            return "the OpenCL library could not be loaded (" + firstLine(t.getMessage())
                    + "; install libOpenCL and an ICD, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd)";
        }
        return "OpenCL is not usable: " + t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
    }

    /** JOCL's name for an error code; naming it loads JOCL's native library, which may be what failed. */
    private static String errorName(int status) {
        try {
            return CL.stringFor_errorCode(status);
        } catch (LinkageError e) {
            return "error " + status;
        }
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "no details";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** 1536 → "1.5 KiB", in binary units. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format("%.1f %s", v, units[u]);
    }
}
