/**
 * SGEMM benchmarks: {@link org.siftfunnel.bench.gemm.GemmBenchmark} for JMH and
 * {@link org.siftfunnel.bench.gemm.GemmQuickBench}, a plain {@code main} that prints GFLOP/s in
 * seconds. Both report {@code 2·m·n·k / time}.
 */
package org.siftfunnel.bench.gemm;
