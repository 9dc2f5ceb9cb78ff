package org.siftfunnel.kernels.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device and the properties the backend needs to size its kernels.
 *
 * @param index          position in the list of all platforms' devices ({@code opencl:N})
 * @param maxWorkGroup   CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param fp64           whether the device has cl_khr_fp64 (used for the few double-precision steps)
 * @param correctlyRoundedDivSqrt whether -cl-fp32-correctly-rounded-divide-sqrt is supported
 */
public record ClDevice(int index, cl_platform_id platform, cl_device_id id, String platformName, String name,
                       String vendor, String version, String type, int computeUnits, long maxWorkGroup,
                       long globalMemBytes, long localMemBytes, long maxAllocBytes, boolean fp64,
                       boolean correctlyRoundedDivSqrt) {

    /** "OpenCL 3.0" from CL_DEVICE_VERSION ("OpenCL 3.0 &lt;vendor-specific information&gt;"). */
    public String openClVersion() {
        String[] words = version.split("\\s+");
        return words.length >= 2 ? words[0] + " " + words[1] : version;
    }
}
