package org.siftfunnel.kernels.cpu.gemm;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Chooses the {@link MicroKernel} for a {@link VectorWidth}. The rest of the package reaches
 * the Vector API kernels only through here: the {@link LinkageError} that a JVM without
 * {@code jdk.incubator.vector} throws when {@link VectorKernelFactory} is first used is caught,
 * and the scalar kernel is used instead, with one line on stderr per JVM.
 */
final class Kernels {

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Kernels() {
    }

    /** The kernel for {@code width}; {@link VectorWidth#AUTO} follows the preferred species. */
    static MicroKernel forWidth(VectorWidth width) {
        if (width == VectorWidth.SCALAR) {
            return new ScalarKernel();
        }
        try {
            return VectorKernelFactory.create(width);
        } catch (LinkageError e) {
            warnOnce(e);
            return new ScalarKernel();
        }
    }

    private static void warnOnce(LinkageError e) {
        if (WARNED.compareAndSet(false, true)) {
            System.err.println("siftfunnel gemm: jdk.incubator.vector is unavailable (" + e
                    + "); using the scalar kernel. Run with --add-modules jdk.incubator.vector for SIMD.");
        }
    }
}
