package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Expected values are worked by hand from the definition (source coordinate (o + 0.5)·in/out − 0.5,
 * clamped at 0; neighbours floor and floor + 1 clamped to the edge). The first two are also the
 * well-known outputs of torch.nn.functional.interpolate(mode='bilinear', align_corners=False).
 */
class ResizeTest {
    @Test
    void upscale2x2To4x4() {
        float[] out = Resize.bilinear(new float[] {1, 2, 3, 4}, 1, 2, 2, 4, 4);
        assertArrayEquals(new float[] {
            1.00f, 1.25f, 1.75f, 2.00f,
            1.50f, 1.75f, 2.25f, 2.50f,
            2.50f, 2.75f, 3.25f, 3.50f,
            3.00f, 3.25f, 3.75f, 4.00f}, out, 1e-6f);
    }

    @Test
    void downscale4x4To2x2AveragesWithoutAntialias() {
        float[] in = new float[16];
        for (int i = 0; i < 16; i++) {
            in[i] = i;
        }
        // Sources 0.5 and 2.5 on both axes: the mean of each 2×2 block.
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, Resize.bilinear(in, 1, 4, 4, 2, 2), 1e-6f);
    }

    @Test
    void nonIntegerScaleOnARectangle() {
        // 1×3 → 1×2: scale 1.5; o=0 → 0.25 (0.75·a + 0.25·b), o=1 → 1.75 (0.25·b + 0.75·c).
        assertArrayEquals(new float[] {0.75f * 10 + 0.25f * 20, 0.25f * 20 + 0.75f * 40},
                Resize.bilinear(new float[] {10, 20, 40}, 1, 1, 3, 1, 2), 1e-5f);
        // 2×1 → 3×1: scale 2/3; o=0 → 0 (clamped from −1/6), o=1 → 0.5, o=2 → 7/6 → last row.
        assertArrayEquals(new float[] {1, 2, 3}, Resize.bilinear(new float[] {1, 3}, 1, 2, 1, 3, 1), 1e-6f);
        // 28 → 32 at a few positions: o=5 → 5.5·0.875 − 0.5 = 4.3125 on a ramp x = column.
        float[] ramp = new float[28];
        for (int i = 0; i < 28; i++) {
            ramp[i] = i;
        }
        float[] up = Resize.bilinear(ramp, 1, 1, 28, 1, 32);
        assertArrayEquals(new float[] {0f, 4.3125f, 27f}, new float[] {up[0], up[5], up[31]}, 1e-5f);
    }

    @Test
    void channelsAreIndependentAndIdentityCopies() {
        float[] two = {1, 2, 3, 4, 10, 20, 30, 40};
        float[] out = Resize.bilinear(two, 2, 2, 2, 4, 4);
        assertArrayEquals(new float[] {10, 12.5f, 17.5f, 20}, java.util.Arrays.copyOfRange(out, 16, 20), 1e-5f);
        assertArrayEquals(two, Resize.bilinear(two, 2, 2, 2, 2, 2));
    }

    @Test
    void tensorBatchVersion() {
        Tensor x = Tensor.of(Backends.reference(), new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2);
        Tensor y = Resize.bilinear(x, 4, 4);
        assertArrayEquals(new int[] {2, 1, 4, 4}, y.shape());
        assertArrayEquals(new float[] {5, 5.25f, 5.75f, 6}, java.util.Arrays.copyOfRange(y.toArray(), 16, 20), 1e-6f);
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> Resize.bilinear(new float[4], 1, 2, 2, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Resize.bilinear(new float[5], 1, 2, 2, 3, 3));
    }
}
