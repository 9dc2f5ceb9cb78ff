package org.siftfunnel.bench.gemm;

import java.util.concurrent.TimeUnit;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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
 * JMH throughput of EJML's {@code CommonOps_FDRM.mult} for square fp32 matrices, the peer of
 * {@link GemmBenchmark} at one thread (EJML's mult is single-threaded): run both with the same
 * {@code -p size=...} and divide the scores for the "≥ 10× EJML" ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EjmlGemmBenchmark {

    @Param({"256", "512", "1024"})
    public int size;

    private FMatrixRMaj a;
    private FMatrixRMaj b;
    private FMatrixRMaj c;

    @Setup
    public void setUp() {
        a = EjmlGemmQuickBench.random(size, 1);
        b = EjmlGemmQuickBench.random(size, 2);
        c = new FMatrixRMaj(size, size);
    }

    @Benchmark
    public FMatrixRMaj multiply() {
        CommonOps_FDRM.mult(a, b, c);
        return c;
    }
}
