package org.siftfunnel.bench.gemm;

import java.util.SplittableRandom;
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
import org.siftfunnel.kernels.cpu.gemm.Sgemm;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * JMH throughput of square SGEMM {@code C = A·B}. JMH reports operations (products) per
 * second; GFLOP/s = ops/s × 2·size³ / 10⁹. Forks, warm-up and measurement can be changed
 * on the command line ({@code -f}, {@code -wi}, {@code -i}, {@code -p size=1024}). The warm-up
 * is generous because C2 needs seconds to compile the vector kernels, many more when other
 * processes keep the cores busy; until then they run a thousand times slower.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {

    @Param({"64", "128", "256", "512", "1024"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    /** {@code auto}, {@code scalar}, {@code 128}, {@code 256} or {@code 512}. */
    @Param({"auto"})
    public String width;

    private Sgemm sgemm;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        sgemm = new Sgemm(threads, VectorWidth.parse(width));
        a = random(size * size, 1);
        b = random(size * size, 2);
        c = new float[size * size];
    }

    @Benchmark
    public float[] multiply() {
        sgemm.gemm(false, false, size, size, size, 1f, a, b, 0f, c);
        return c;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
