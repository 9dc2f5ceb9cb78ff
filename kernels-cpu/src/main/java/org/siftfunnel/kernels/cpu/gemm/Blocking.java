package org.siftfunnel.kernels.cpu.gemm;

/**
 * Cache-blocking sizes of the packed algorithm: a {@code kc×nc} block of B is packed once
 * (meant for L3, its {@code kc×nr} micro-panels for L1) and reused for every {@code mc×kc}
 * block of A (meant for L2). {@code mc} is a multiple of the kernel's MR and {@code nc} of NR.
 */
record Blocking(int mc, int kc, int nc) {

    /** Sizes tuned for the kernel's tile shape (measured on a Zen 5 core: 48 KiB L1d, 1 MiB L2). */
    static Blocking forKernel(MicroKernel kernel) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        return new Blocking(roundUp(192, mr), 256, roundUp(4096, nr));
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
