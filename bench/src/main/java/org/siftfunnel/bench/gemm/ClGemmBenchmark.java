package org.siftfunnel.bench.gemm;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.timing.OpTimings;
import org.siftfunnel.kernels.opencl.OpenClBackend;
import org.siftfunnel.kernels.opencl.OpenClInfo;

/**
 * JMH throughput of square SGEMM {@code C = A·B} on an OpenCL device: each operation enqueues
 * the product and waits for it, so a score is products per second including the queue's
 * overhead (GFLOP/s = ops/s × 2·size³ / 10⁹). At the end of the trial the device-time profile
 * of everything the trial enqueued is printed (JMH shows the fork's output). {@code -p device=Q}
 * picks the device as {@code --device opencl:Q} does ({@code default}: the first GPU, else the first device).
 * Without OpenCL the setup fails with the one-line reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = "--enable-native-access=ALL-UNNAMED")
public class ClGemmBenchmark {

    @Param({"256", "512", "1024"})
    public int size;

    /** Device qualifier (index or part of the name), or {@code default}: the first GPU, else the first device. */
    @Param({"default"})
    public String device;

    private OpenClBackend backend;
    private DeviceBuffer a;
    private DeviceBuffer b;
    private DeviceBuffer c;

    @Setup(Level.Trial)
    public void setUp() {
        String reason = OpenClInfo.unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("ClGemmBenchmark: " + reason);
        }
        backend = OpenClBackend.create(device.equals("default") ? null : device);
        SplittableRandom rng = new SplittableRandom(size);
        float[] host = new float[size * size];
        for (int i = 0; i < host.length; i++) {
            host[i] = (float) rng.nextDouble(-1, 1);
        }
        a = backend.upload(host);
        b = backend.upload(host);
        c = backend.allocate(size * size);
        backend.timings().reset();
    }

    @Benchmark
    public void multiply() {
        backend.gemm(false, false, 1, size, size, size, 1f, a, 0, 0, b, 0, 0, 0f, c, 0, 0);
        backend.synchronize();
    }

    @TearDown(Level.Trial)
    public void printProfile() {
        System.out.println();
        System.out.println(backend.description() + ", size " + size + ": " + backend.timings().measures());
        System.out.print(OpTimings.table(backend.timings().snapshot()));
    }
}
