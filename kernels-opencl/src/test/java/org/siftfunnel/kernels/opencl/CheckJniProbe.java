package org.siftfunnel.kernels.opencl;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Run under {@code -Xcheck:jni} by {@link UnderCheckJniTest}: the device's limits, a round trip
 * of data long enough to take several staging chunks, a computed result, and an out-of-range
 * index, each printed as one line to compare with what they must be.
 */
public final class CheckJniProbe {
    private CheckJniProbe() {
    }

    public static void main(String[] args) {
        ClDevice device = ClDevices.list().get(0);
        System.out.println("device: " + (!device.name().isBlank() && device.maxWorkGroup() > 0 && device.globalMemBytes() > 0));
        OpenClBackend backend = OpenClBackend.create("0");
        int n = 2 * ClRuntime.DOWNLOAD_STAGE_FLOATS + 12345;
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = i % 1000 - 500;
        }
        Tensor x = Tensor.of(backend, data, n);
        float[] back = x.mul(x).toArray();
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            if (back[i] != data[i] * data[i]) {
                wrong++;
            }
        }
        System.out.println("wrong: " + wrong + " of " + n);
        System.out.println("staged: " + !backend.readsIntoArrays());
        Tensor table = Tensor.of(backend, new float[] {1, 2, 3}, 3);
        Tensor index = Tensor.of(backend, new float[] {0, 7}, 2);
        try {
            table.gather(0, index);
            System.out.println("index: not caught");
        } catch (IndexOutOfBoundsException e) {
            System.out.println("index: " + e.getMessage());
        }
    }
}
