/**
 * Single-precision GEMM in pure Java with the incubating Vector API, organised the
 * BLIS/GotoBLAS way: operands are packed into cache-sized blocks of contiguous
 * micro-panels, and a register-tiled micro-kernel keeps an MR×NR tile of C in vector
 * registers while it streams through K.
 *
 * <p>{@link org.siftfunnel.kernels.cpu.gemm.Sgemm} is the entry point; it matches the
 * engine's {@code Backend.gemm} contract (row-major, optional transposes, alpha/beta,
 * batches with broadcast strides). {@link org.siftfunnel.kernels.cpu.gemm.VectorWidth}
 * forces a SIMD width (or the scalar path) so every code path can be tested on one machine.
 * All references to {@code jdk.incubator.vector} live in {@code VectorKernelFactory}, the
 * {@code Vector*Kernel} and the {@code DirectKernels*} classes, which are only reached through
 * {@code Kernels}, so a JVM without the module degrades to the scalar kernel instead of failing.
 *
 * <p>Why {@code Vector128Kernel}/{@code Vector256Kernel} and {@code DirectKernels128/256/512} are
 * copies per width rather than one source defined as a hidden class per width (as the element
 * kernels, {@code VectorArrayKernels}, are): the species must be a {@code static final} constant
 * for C2 to intrinsify the vector operations, and the copies call each other by name
 * ({@code DirectKernelsN} writes back through {@code VectorNKernel.updateTile}, the kernel
 * delegates its small products to {@code DirectKernelsN}), which a hidden class cannot do: the
 * calls would become interface calls on instances, a different shape for the JIT in the hottest
 * code. {@code Vector512Kernel} has a different tile (12×32 rather than 6×2V), so it would stay
 * separate anyway. A merge has not been attempted: it would be accepted only with a measurement
 * showing no loss beyond 3% (GemmQuickBench by CPU time, 512³ and 1024³, each variant three
 * times interleaved), which needs a quiet machine. The copies differ only in the species, the
 * class names and the describing strings ({@code diff} shows it).
 */
package org.siftfunnel.kernels.cpu.gemm;
