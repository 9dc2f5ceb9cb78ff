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
 */
package org.siftfunnel.kernels.cpu.gemm;
