/**
 * The {@code cpu} backend: {@link org.siftfunnel.kernels.cpu.CpuBackend} implements the
 * engine's {@code Backend} contract with SIMD loops on the JDK Vector API, the packed SGEMM of
 * the {@code gemm} subpackage, convolutions (im2col + GEMM; direct register-tiled ones for few
 * channels; Winograd F(2×2, 3×3) for deep 3×3 layers) and a fixed team of threads
 * ({@code threads.WorkerTeam}).
 *
 * <p>Layout: {@code CpuBackend} splits each operation over the threads and calls the
 * single-threaded array loops of {@code ArrayKernels}, which come in a scalar version and a
 * Vector API version ({@code VectorArrayKernels}, instantiated once per SIMD width as a hidden
 * class by {@code SimdSupport}). {@code Convolution}, {@code Pooling}, {@code Resampling} and
 * {@code Indexing} hold the operation families that need more than a flat loop. Only
 * {@code VectorArrayKernels} names {@code jdk.incubator.vector}, so the backend still loads,
 * and runs scalar, on a JVM without that module.
 *
 * <p>Threads: {@code Parallel} splits work into parts that depend only on the sizes and the
 * thread count, and any thread of the team may run any part (one thread possibly several
 * parts of a call), so per-part results are indexed by part and combined in part order. A given thread
 * count and SIMD width therefore gives the same bits from run to run; different thread counts
 * agree to float rounding only where a sum is split over parts (convolution weight gradients,
 * single long rows reduced by several threads, some GEMM shapes).
 */
package org.siftfunnel.kernels.cpu;
