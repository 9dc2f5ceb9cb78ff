package org.siftfunnel.kernels.opencl;

import static org.jocl.CL.CL_DEVICE_EXTENSIONS;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_SINGLE_FP_CONFIG;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT;
import static org.jocl.CL.CL_PLATFORM_NAME;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Enumerates the OpenCL devices of every platform and picks one from a device qualifier. */
public final class ClDevices {
    private ClDevices() {
    }

    /**
     * Every device of every platform, in platform order. Throws what JOCL throws when OpenCL is
     * missing: a {@link CLException} without an ICD, a {@link LinkageError} without libOpenCL.
     */
    public static List<ClDevice> list() {
        return JvmSignalHandlers.around(() -> listDevices(queryPlatforms()));
    }

    /**
     * Every OpenCL platform. The first call loads the drivers, which may replace the JVM's
     * signal handlers: {@link JvmSignalHandlers} puts them back.
     */
    static cl_platform_id[] platforms() {
        return JvmSignalHandlers.around(ClDevices::queryPlatforms);
    }

    /** {@link #platforms} without the guard, for callers that hold one already. */
    private static cl_platform_id[] queryPlatforms() {
        CL.setExceptionsEnabled(true);
        int[] count = new int[1];
        CL.clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        CL.clGetPlatformIDs(platforms.length, platforms, null);
        return platforms;
    }

    private static List<ClDevice> listDevices(cl_platform_id[] platforms) {
        List<ClDevice> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL_PLATFORM_NAME);
            int[] n = new int[1];
            try {
                CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (CLException e) {
                if (e.getStatus() == CL_DEVICE_NOT_FOUND) {
                    continue; // a platform without devices (an installed but unused ICD)
                }
                throw e;
            }
            cl_device_id[] ids = new cl_device_id[n[0]];
            CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
            for (cl_device_id id : ids) {
                devices.add(describe(devices.size(), platform, platformName, id));
            }
        }
        return devices;
    }

    /**
     * The device a qualifier names: null picks the first GPU (else the first device); a number
     * is an index into {@link #list()}; anything else is a case-insensitive substring of the
     * platform or device name.
     *
     * @throws IllegalArgumentException listing the devices when nothing matches
     */
    public static ClDevice select(List<ClDevice> devices, String qualifier) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("opencl: no OpenCL device found");
        }
        if (qualifier == null || qualifier.isBlank()) {
            for (ClDevice d : devices) {
                if (d.type().equals("GPU")) {
                    return d;
                }
            }
            return devices.get(0);
        }
        String q = qualifier.trim();
        if (q.chars().allMatch(Character::isDigit)) {
            int index;
            try {
                index = Integer.parseInt(q);
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index >= 0 && index < devices.size()) {
                return devices.get(index);
            }
            throw new IllegalArgumentException("opencl:" + q + ": device index out of range [0, " + devices.size()
                    + "); devices: " + listing(devices));
        }
        String needle = q.toLowerCase(Locale.ROOT);
        for (ClDevice d : devices) {
            if (d.name().toLowerCase(Locale.ROOT).contains(needle) || d.platformName().toLowerCase(Locale.ROOT).contains(needle)) {
                return d;
            }
        }
        throw new IllegalArgumentException("opencl:" + q + ": no platform or device name contains '" + q
                + "'; devices: " + listing(devices));
    }

    private static String listing(List<ClDevice> devices) {
        List<String> parts = new ArrayList<>();
        for (ClDevice d : devices) {
            parts.add("#" + d.index() + " " + d.name() + " (" + d.platformName() + ")");
        }
        return String.join(", ", parts);
    }

    private static ClDevice describe(int index, cl_platform_id platform, String platformName, cl_device_id id) {
        String extensions = deviceString(id, CL_DEVICE_EXTENSIONS);
        long fpConfig = deviceLong(id, CL_DEVICE_SINGLE_FP_CONFIG);
        return new ClDevice(index, platform, id, platformName, deviceString(id, CL_DEVICE_NAME).trim(),
                deviceString(id, CL_DEVICE_VENDOR).trim(), deviceString(id, CL_DEVICE_VERSION).trim(),
                typeName(deviceLong(id, CL_DEVICE_TYPE)), (int) deviceInt(id, CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceSize(id, CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(id, CL_DEVICE_LOCAL_MEM_SIZE), deviceLong(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                extensions.contains("cl_khr_fp64"), (fpConfig & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0);
    }

    private static String typeName(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((type & CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "accelerator";
        }
        return "other";
    }

    static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(platform, param, 0, null, size);
        InfoBuffer out = new InfoBuffer(size[0]);
        CL.clGetPlatformInfo(platform, param, out.size(), out.pointer(), null);
        return out.getString();
    }

    static String deviceString(cl_device_id device, int param) {
        return deviceInfo(device, param).getString();
    }

    /** A cl_ulong / cl_bitfield property. */
    static long deviceLong(cl_device_id device, int param) {
        InfoBuffer out = new InfoBuffer(Long.BYTES);
        CL.clGetDeviceInfo(device, param, Long.BYTES, out.pointer(), null);
        return out.getLong();
    }

    /** A cl_uint property. */
    static long deviceInt(cl_device_id device, int param) {
        InfoBuffer out = new InfoBuffer(Integer.BYTES);
        CL.clGetDeviceInfo(device, param, Integer.BYTES, out.pointer(), null);
        return out.getUnsignedInt();
    }

    /** A size_t property, whatever the native pointer width. */
    static long deviceSize(cl_device_id device, int param) {
        InfoBuffer out = deviceInfo(device, param);
        return out.getSize(out.size());
    }

    /** A property of the size the driver reports. */
    private static InfoBuffer deviceInfo(cl_device_id device, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(device, param, 0, null, size);
        InfoBuffer out = new InfoBuffer(size[0]);
        CL.clGetDeviceInfo(device, param, out.size(), out.pointer(), null);
        return out;
    }
}
