package org.siftfunnel.kernels.opencl;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Not a test: the reproducer behind {@link JvmSignalHandlers}, run by hand in a loop (see
 * kernels-opencl/README.md). Two threads spin in compiled loops; OpenCL is then used for the
 * first time in the process, and a garbage collection brings both threads to a safepoint, where
 * each faults on the polling page. With PoCL's LLVM handlers in place (the guard switched off
 * with {@code -Dsiftfunnel.opencl.keepJvmSignalHandlers=false}) a few percent of runs die with a
 * bare "Segmentation fault" (exit status 139); with the guard none should.
 */
public final class SafepointRaceRepro {
    private static volatile boolean stop;

    private SafepointRaceRepro() {
    }

    public static void main(String[] args) throws InterruptedException {
        Thread[] spinners = new Thread[2];
        long[] sums = new long[spinners.length];
        for (int t = 0; t < spinners.length; t++) {
            int id = t;
            spinners[t] = new Thread(() -> {
                long s = 0;
                while (!stop) {
                    for (int i = 0; i < 1000; i++) {
                        s += i * 31L;
                    }
                }
                sums[id] = s;
            });
            spinners[t].start();
        }
        Thread.sleep(500); // long enough for C2 to compile the loops
        OpenClBackend backend = OpenClBackend.create("0");
        Tensor x = Tensor.ones(backend, 16, 16);
        float sum = x.matmul(x).sum().item();
        System.gc();
        stop = true;
        for (Thread t : spinners) {
            t.join();
        }
        System.out.println("survived (" + sum + ", " + (sums[0] != 0) + ")");
    }
}
