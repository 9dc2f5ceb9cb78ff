package org.siftfunnel.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;

/**
 * Builds the Vector API kernels. Kept apart from {@link Kernels} so that resolving the
 * {@code jdk.incubator.vector} classes fails here, inside {@link Kernels}' try block, on a JVM
 * that lacks the module.
 */
final class VectorKernelFactory {

    private VectorKernelFactory() {
    }

    static MicroKernel create(VectorWidth width) {
        int bits = width == VectorWidth.AUTO ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : width.bits();
        return switch (bits) {
            case 512 -> new Vector512Kernel();
            case 256 -> new Vector256Kernel();
            case 128 -> new Vector128Kernel();
            // A preferred species narrower than 128 bits (or an odd size) gains nothing over scalar code.
            default -> new ScalarKernel();
        };
    }
}
