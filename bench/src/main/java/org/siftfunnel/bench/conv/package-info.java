/**
 * Convolution benchmarks: {@link org.siftfunnel.bench.conv.ConvQuickBench} times forward and
 * both gradients of every convolution of the SiftFunnel CNN
 * ({@link org.siftfunnel.bench.conv.SiftFunnelConvLayers}) and prints GFLOP/s per layer;
 * {@link org.siftfunnel.bench.conv.ConvBenchmark} is the JMH form (per layer, also for
 * {@code -prof gc}).
 */
package org.siftfunnel.bench.conv;
