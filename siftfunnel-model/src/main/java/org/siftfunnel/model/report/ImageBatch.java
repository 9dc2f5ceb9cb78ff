package org.siftfunnel.model.report;

import java.util.Arrays;

/** A batch of images [n, c, h, w] with values meant to lie in [0, 1] (channel-major, as the tensors). */
record ImageBatch(int n, int c, int h, int w, float[] pixels) {

    ImageBatch {
        if ((long) n * c * h * w != pixels.length) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " does not match [" + n + ", " + c + ", " + h + ", " + w + "]");
        }
    }

    boolean sameShape(ImageBatch o) {
        return n == o.n && c == o.c && h == o.h && w == o.w;
    }

    String shapeText() {
        return Arrays.toString(new int[] {n, c, h, w});
    }

    /** Pixel (y, x) of image i as 0xRRGGBB; values are clamped to [0, 1], one channel is grey. */
    int rgb(int i, int y, int x) {
        int plane = h * w;
        int base = i * c * plane + y * w + x;
        int r = byteOf(pixels[base]);
        if (c < 3) {
            return r << 16 | r << 8 | r;
        }
        int g = byteOf(pixels[base + plane]);
        int b = byteOf(pixels[base + 2 * plane]);
        return r << 16 | g << 8 | b;
    }

    private static int byteOf(float v) {
        if (!(v > 0)) {
            return 0; // also NaN: a broken reconstruction shows black, not an exception
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }
}
