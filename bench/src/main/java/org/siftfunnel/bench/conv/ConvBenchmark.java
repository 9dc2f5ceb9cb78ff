package org.siftfunnel.bench.conv;

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
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.kernels.cpu.CpuBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * JMH time of one convolution of the SiftFunnel CNN ({@link SiftFunnelConvLayers}) on the CPU
 * backend: forward, gradient to the input and gradient to the weight, as in a training step.
 * {@code -p layer=NAME} picks layers by their state-dict name (the defaults cover a 3×3
 * stem, a 1×1, a 5×5, a 7×7 attention gate and the wide 3×3 layers). With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per forward+backward,
 * which should be about 0 (scratch buffers are reused).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = "--add-modules=jdk.incubator.vector")
public class ConvBenchmark {

    @Param({"block1.0", "block2_mix.0", "block2_mix.9", "triplet.hw.conv.conv", "up.conv.1", "block3.0"})
    public String layer;

    @Param({"64"})
    public int imageSize;

    @Param({"64"})
    public int batch;

    @Param({"1"})
    public int threads;

    private CpuBackend backend;
    private ConvGeometry g;
    private DeviceBuffer x;
    private DeviceBuffer w;
    private DeviceBuffer bias;
    private DeviceBuffer y;
    private DeviceBuffer gy;
    private DeviceBuffer gx;
    private DeviceBuffer gw;

    @Setup
    public void setUp() {
        SiftFunnelConvLayers.Layer l = SiftFunnelConvLayers.of(imageSize, batch).stream()
                .filter(c -> c.name().equals(layer)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("ConvBenchmark: no layer '" + layer
                        + "' in the SiftFunnel CNN (see SiftFunnelConvLayers)"));
        g = l.geometry();
        backend = new CpuBackend(threads, VectorWidth.AUTO);
        SplittableRandom r = new SplittableRandom(layer.hashCode());
        int xs = g.batch() * g.inChannels() * g.inH() * g.inW();
        int ws = g.outChannels() * g.inChannels() * g.kH() * g.kW();
        int ys = g.batch() * g.outChannels() * g.outH() * g.outW();
        x = backend.upload(random(r, xs));
        w = backend.upload(random(r, ws));
        bias = l.bias() ? backend.upload(random(r, g.outChannels())) : null;
        y = backend.allocate(ys);
        gy = backend.upload(random(r, ys));
        gx = backend.allocate(xs);
        gw = backend.allocate(ws);
    }

    @Benchmark
    public DeviceBuffer forwardBackward() {
        backend.conv2d(x, w, bias, y, g);
        backend.conv2dBackwardInput(gy, w, gx, g);
        backend.conv2dBackwardWeight(x, gy, gw, g);
        return gw;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }
}
