/**
 * SGEMM benchmarks: {@link org.siftfunnel.bench.gemm.GemmBenchmark} for JMH and
 * {@link org.siftfunnel.bench.gemm.GemmQuickBench}, a plain {@code main} that prints GFLOP/s in
 * seconds ({@code --device opencl} times the OpenCL backend instead, through
 * {@link org.siftfunnel.bench.gemm.OpenClGemm}); {@link org.siftfunnel.bench.gemm.ClGemmBenchmark}
 * is the OpenCL JMH benchmark; {@link org.siftfunnel.bench.gemm.EjmlGemmQuickBench} and
 * {@link org.siftfunnel.bench.gemm.EjmlGemmBenchmark} time EJML's {@code CommonOps_FDRM.mult}, the
 * peer of the "10× EJML" target. All report {@code 2·m·n·k / time}.
 */
package org.siftfunnel.bench.gemm;
