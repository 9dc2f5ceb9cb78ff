package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendPair;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/** The checks every convolution path's tests share: against the reference, and run to run. */
final class ConvolutionChecks {
    private ConvolutionChecks() {
    }

    /**
     * Every vector width at 1 and 2 threads, then {@code extra}, then the settings that stress
     * how parts are spread over threads: 3 and 16 threads (more parts than cores, so one thread
     * of the team often runs several parts) and every part of a 5-way split on one thread.
     */
    static List<Backend> everyWidthAndThreadSetting(Backend... extra) {
        List<Backend> list = new ArrayList<>();
        for (VectorWidth w : List.of(VectorWidth.BITS_512, VectorWidth.BITS_256, VectorWidth.BITS_128, VectorWidth.SCALAR)) {
            list.add(new CpuBackend(1, w));
            list.add(new CpuBackend(2, w));
        }
        list.addAll(List.of(extra));
        list.add(new CpuBackend(3, VectorWidth.AUTO));
        list.add(new CpuBackend(16, VectorWidth.AUTO));
        list.add(new CpuBackend(5, VectorWidth.AUTO, Convolution.DEFAULT_MAX_COLUMN_FLOATS, Parallel.Schedule.ONE_THREAD));
        return list;
    }

    /** Each (name, geometry) case on each backend, as (name, geometry, backend) arguments. */
    static Stream<Arguments> onEachBackend(List<Arguments> cases, List<Backend> backends) {
        return cases.stream().flatMap(a -> backends.stream().map(b -> Arguments.of(a.get()[0], a.get()[1], b)));
    }

    /**
     * Forward, gradient to the input and gradient to the weight of {@code g} on {@code backend}
     * match the reference backend within {@code tolerance}; outputs start as NaN, so a path that
     * leaves an element unwritten fails.
     */
    static void assertMatchesReference(String name, ConvGeometry g, Backend backend, double tolerance) {
        BackendPair pair = new BackendPair(new ReferenceBackend(), backend, tolerance);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        int xSize = g.batch() * g.inChannels() * g.inH() * g.inW();
        int wSize = g.outChannels() * g.inChannels() * g.kH() * g.kW();
        int ySize = g.batch() * g.outChannels() * g.outH() * g.outW();
        Twin x = pair.upload(uniform(r, xSize));
        Twin w = pair.upload(uniform(r, wSize));
        Twin bias = pair.upload(uniform(r, g.outChannels()));
        Twin gy = pair.upload(uniform(r, ySize));

        Twin y = pair.filled(ySize, Float.NaN);
        pair.run((b, s) -> b.conv2d(s.of(x), s.of(w), s.of(bias), s.of(y), g));
        pair.assertClose("conv2d " + name, y);

        Twin gx = pair.filled(xSize, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardInput(s.of(gy), s.of(w), s.of(gx), g));
        pair.assertClose("conv2dBackwardInput " + name, gx);

        Twin gw = pair.filled(wSize, Float.NaN);
        pair.run((b, s) -> b.conv2dBackwardWeight(s.of(x), s.of(gy), s.of(gw), g));
        pair.assertClose("conv2dBackwardWeight " + name, gw);
    }

    /** Three runs of forward and both gradients of {@code g} on {@code cpu} give the same bits. */
    static void assertRepeatable(ConvGeometry g, Backend cpu) {
        SplittableRandom r = new SplittableRandom(7);
        DeviceBuffer x = cpu.upload(uniform(r, g.batch() * g.inChannels() * g.inH() * g.inW()));
        DeviceBuffer w = cpu.upload(uniform(r, g.outChannels() * g.inChannels() * g.kH() * g.kW()));
        DeviceBuffer gy = cpu.upload(uniform(r, g.batch() * g.outChannels() * g.outH() * g.outW()));
        float[][] runs = new float[3][];
        for (int i = 0; i < runs.length; i++) {
            DeviceBuffer y = cpu.allocate(g.batch() * g.outChannels() * g.outH() * g.outW());
            DeviceBuffer gx = cpu.allocate(g.batch() * g.inChannels() * g.inH() * g.inW());
            DeviceBuffer gw = cpu.allocate(g.outChannels() * g.inChannels() * g.kH() * g.kW());
            cpu.conv2d(x, w, null, y, g);
            cpu.conv2dBackwardInput(gy, w, gx, g);
            cpu.conv2dBackwardWeight(x, gy, gw, g);
            runs[i] = concat(read(cpu, y), read(cpu, gx), read(cpu, gw));
        }
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(runs[0], runs[2]);
    }

    static float[] uniform(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    private static float[] read(Backend be, DeviceBuffer b) {
        float[] v = new float[b.size()];
        be.download(b, 0, v, 0, v.length);
        return v;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
