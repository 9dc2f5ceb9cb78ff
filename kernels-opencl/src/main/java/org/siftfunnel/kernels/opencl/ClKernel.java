package org.siftfunnel.kernels.opencl;

import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * A compiled kernel and a small builder for launching it:
 * {@code k.launch("unary").i(op).buf(x).buf(out).i(n).run1d(n)}. Arguments are collected first
 * and set together with the enqueue under the runtime's lock.
 */
final class ClKernel {
    private final ClRuntime runtime;
    private final String name;
    private final cl_kernel kernel;
    private final long maxWorkGroup;

    ClKernel(ClRuntime runtime, String name, cl_kernel kernel) {
        this.runtime = runtime;
        this.name = name;
        this.kernel = kernel;
        long[] size = new long[1];
        CL.clGetKernelWorkGroupInfo(kernel, runtime.device().id(), CL_KERNEL_WORK_GROUP_SIZE, 0, null, size);
        InfoBuffer out = new InfoBuffer(size[0]);
        CL.clGetKernelWorkGroupInfo(kernel, runtime.device().id(), CL_KERNEL_WORK_GROUP_SIZE, out.size(), out.pointer(), null);
        long max = out.getSize(size[0]);
        if (max < 1) {
            throw new IllegalStateException("opencl: the driver reports a largest work-group of " + max + " for kernel " + name);
        }
        this.maxWorkGroup = Math.min(max, runtime.workGroupCap());
    }

    String name() {
        return name;
    }

    /** The largest work-group this kernel can run with on its device. */
    long maxWorkGroup() {
        return maxWorkGroup;
    }

    /**
     * The largest power of two ≤ {@code wanted} that the kernel and device allow: tree
     * reductions halve their width, so they need a power of two.
     */
    int powerOfTwoWorkGroup(int wanted) {
        long cap = Math.min(wanted, maxWorkGroup);
        int p = 1;
        while (p * 2L <= cap) {
            p *= 2;
        }
        return p;
    }

    /** Starts a launch whose device time is recorded under {@code op}. */
    Launch launch(String op) {
        return new Launch(op);
    }

    /** Arguments of one launch, in the kernel's parameter order. */
    final class Launch {
        private final String op;
        private final List<Object> args = new ArrayList<>();

        private Launch(String op) {
            this.op = op;
        }

        Launch buf(ClBuffer b) {
            args.add(b);
            return this;
        }

        Launch i(int v) {
            args.add(v);
            return this;
        }

        Launch i(boolean v) {
            args.add(v ? 1 : 0);
            return this;
        }

        Launch f(float v) {
            args.add(v);
            return this;
        }

        Launch l(long v) {
            args.add(v);
            return this;
        }

        Launch d(double v) {
            args.add(v);
            return this;
        }

        /** An {@code int8} argument (shape or strides of rank ≤ 8, padded with zeros). */
        Launch int8(int[] v) {
            int[] padded = new int[8];
            System.arraycopy(v, 0, padded, 0, v.length);
            args.add(padded);
            return this;
        }

        /** An {@code int16} argument (a packed geometry). */
        Launch int16(int[] v) {
            int[] padded = new int[16];
            System.arraycopy(v, 0, padded, 0, v.length);
            args.add(padded);
            return this;
        }

        /** A {@code local} memory argument of {@code bytes} bytes. */
        Launch local(long bytes) {
            args.add(new LocalBytes(bytes));
            return this;
        }

        /** One-dimensional launch over {@code n} items in groups of {@code group} (rounded up; kernels check bounds). */
        void run1d(long n, int group) {
            if (n <= 0) {
                return;
            }
            int g = (int) Math.min(group, maxWorkGroup);
            run(new long[] {roundUp(n, g)}, new long[] {g});
        }

        /** One-dimensional launch over {@code n} items in groups of 128 (or what the kernel allows). */
        void run1d(long n) {
            run1d(n, 128);
        }

        void run(long[] global, long[] local) {
            for (long g : global) {
                if (g <= 0) {
                    return;
                }
            }
            runtime.lock();
            try {
                for (int a = 0; a < args.size(); a++) {
                    set(a, args.get(a));
                }
                cl_event event = new cl_event();
                CL.clEnqueueNDRangeKernel(runtime.queue(), kernel, global.length, null, global, local, 0, null, event);
                runtime.track(op, event);
            } finally {
                runtime.unlock();
                // The buffers must stay reachable (not cleaned) until the kernel is enqueued.
                Reference.reachabilityFence(args);
            }
        }

        private void set(int index, Object v) {
            switch (v) {
                case ClBuffer b -> CL.clSetKernelArg(kernel, index, Sizeof.cl_mem, Pointer.to(b.mem()));
                case Integer x -> CL.clSetKernelArg(kernel, index, Sizeof.cl_int, Pointer.to(new int[] {x}));
                case Float x -> CL.clSetKernelArg(kernel, index, Sizeof.cl_float, Pointer.to(new float[] {x}));
                case Long x -> CL.clSetKernelArg(kernel, index, Sizeof.cl_long, Pointer.to(new long[] {x}));
                case Double x -> CL.clSetKernelArg(kernel, index, Sizeof.cl_double, Pointer.to(new double[] {x}));
                case int[] x -> CL.clSetKernelArg(kernel, index, (long) Sizeof.cl_int * x.length, Pointer.to(x));
                case LocalBytes x -> CL.clSetKernelArg(kernel, index, x.bytes(), null);
                default -> throw new IllegalStateException("kernel " + name + ": unsupported argument " + v);
            }
        }
    }

    private record LocalBytes(long bytes) {
    }

    static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
