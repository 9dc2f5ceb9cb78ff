/**
 * Training-step benchmarks of the paper's CNNs: {@link org.siftfunnel.bench.train.TrainStepBenchmark}
 * for JMH and {@link org.siftfunnel.bench.train.TrainStepQuickBench}, a plain {@code main} that
 * prints milliseconds per step. Both time {@link org.siftfunnel.bench.train.TrainStep}: forward,
 * objective, backward and an Adam update on a fixed synthetic batch.
 */
package org.siftfunnel.bench.train;
