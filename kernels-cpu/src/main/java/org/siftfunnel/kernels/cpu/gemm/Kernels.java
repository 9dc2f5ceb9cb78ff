package org.siftfunnel.kernels.cpu.gemm;

/**
 * Chooses the {@link MicroKernel} for a {@link VectorWidth}. This is the only class that
 * names the Vector API kernels; it catches the {@link LinkageError} a JVM without
 * {@code jdk.incubator.vector} throws and falls back to the scalar kernel, saying so once.
 */
final class Kernels {

    private static volatile boolean warned;

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
        if (!warned) {
            warned = true;
            System.err.println("siftfunnel gemm: jdk.incubator.vector is unavailable (" + e
                    + "); using the scalar kernel. Run with --add-modules jdk.incubator.vector for SIMD.");
        }
    }
}
