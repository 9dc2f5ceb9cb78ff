package org.siftfunnel.kernels.cpu;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * Run by {@link CpuBackendSetupTest} in a JVM started without {@code jdk.incubator.vector}:
 * creates two backends (the warning must appear once), prints the description, and checks a
 * convolution and an exponential against the reference. Exit status 0 when they agree.
 */
public final class NoVectorApiMain {

    private NoVectorApiMain() {
    }

    public static void main(String[] args) {
        Backend cpu = new CpuBackend(2, VectorWidth.AUTO);
        Backend again = new CpuBackend(1, VectorWidth.BITS_256);
        System.out.println(cpu.description());
        System.out.println(again.description());
        Backend ref = new ReferenceBackend();
        ConvGeometry g = new ConvGeometry(4, 3, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9);
        float[] x = new float[4 * 3 * 81];
        float[] w = new float[5 * 3 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.cos(i);
        }
        float[] got = run(cpu, x, w, g);
        float[] want = run(ref, x, w, g);
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(got[i] - want[i]) > 1e-4 * (1 + Math.abs(want[i]))) {
                System.out.println("MISMATCH at " + i + ": " + got[i] + " vs " + want[i]);
                System.exit(1);
            }
        }
        System.out.println("OK");
    }

    private static float[] run(Backend b, float[] x, float[] w, ConvGeometry g) {
        int n = 4 * 5 * 81;
        DeviceBuffer y = b.allocate(n);
        b.conv2d(b.upload(x), b.upload(w), null, y, g);
        b.unary(UnaryOp.EXP, y, y, n, 0, 0);
        float[] out = new float[n];
        b.download(y, 0, out, 0, n);
        return out;
    }
}
