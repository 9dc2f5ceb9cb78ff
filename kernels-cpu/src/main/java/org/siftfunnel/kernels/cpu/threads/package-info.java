/**
 * The cpu backend's threads: {@link org.siftfunnel.kernels.cpu.threads.WorkerTeam}, a fixed
 * team per thread count that runs one split call at a time without allocating, used by both
 * the array kernels ({@code Parallel}) and the GEMM ({@code gemm.Sgemm}).
 */
package org.siftfunnel.kernels.cpu.threads;
