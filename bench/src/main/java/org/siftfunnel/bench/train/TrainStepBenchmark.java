package org.siftfunnel.bench.train;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH average time of one full training step ({@link TrainStep}): forward, objective,
 * backward and Adam update. Change the grid on the command line, e.g.
 * {@code -p model=siftfunnel -p imageSize=64 -p threads=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "--add-modules=jdk.incubator.vector")
public class TrainStepBenchmark {

    @Param({"cnn", "siftfunnel"})
    public String model;

    @Param({"32", "64"})
    public int imageSize;

    @Param({"64"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    /** {@code cpu} or {@code reference}. */
    @Param({"cpu"})
    public String device;

    private TrainStep step;

    @Setup
    public void setUp() {
        step = new TrainStep(model, imageSize, batch, TrainStep.backend(device, threads), 1);
    }

    @Benchmark
    public float trainStep() {
        return step.run();
    }
}
