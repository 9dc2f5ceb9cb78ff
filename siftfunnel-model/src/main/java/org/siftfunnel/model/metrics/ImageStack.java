package org.siftfunnel.model.metrics;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * A host copy of a batch of images [N, C, H, W]. Evaluation metrics are computed from it in
 * double precision rather than with tensor operations: they need no autograd, and double
 * accumulation keeps sums over whole data sets exact enough to compare with reference values.
 * The pixels stay float, as the tensor holds them, so that a copy of a whole test set costs
 * no more memory than the tensor; a plane or volume is widened to double when it is filtered.
 *
 * @param values the pixels in row-major [N, C, H, W] order
 */
record ImageStack(float[] values, int count, int channels, int height, int width) {

    public ImageStack {
        if (count < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image stack: every dimension must be at least 1, got ["
                    + count + ", " + channels + ", " + height + ", " + width + "]");
        }
        long expected = (long) count * channels * height * width;
        if (values.length != expected) {
            throw new IllegalArgumentException("image stack: " + values.length + " values for shape ["
                    + count + ", " + channels + ", " + height + ", " + width + "] (expected " + expected + ")");
        }
    }

    /**
     * Copies a tensor [N, C, H, W] to the host.
     *
     * @param op   the metric asking, named in error messages
     * @param role what the tensor is (e.g. "original"), named in error messages
     */
    static ImageStack of(String op, String role, Tensor images) {
        if (images == null) {
            throw new IllegalArgumentException(op + ": " + role + " images are null");
        }
        int[] s = images.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException(op + ": " + role + " images must be [N, C, H, W], got shape "
                    + Arrays.toString(s));
        }
        for (int d : s) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": " + role + " images are empty, shape " + Arrays.toString(s));
            }
        }
        return new ImageStack(images.toArray(), s[0], s[1], s[2], s[3]);
    }

    /**
     * Copies a reconstruction and its original, checking that their shapes agree.
     *
     * @return {original, reconstruction}
     */
    static ImageStack[] pair(String op, Tensor original, Tensor reconstruction) {
        ImageStack x = of(op, "original", original);
        ImageStack y = of(op, "reconstruction", reconstruction);
        if (!Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException(op + ": original " + Arrays.toString(x.shape())
                    + " and reconstruction " + Arrays.toString(y.shape()) + " must have the same shape");
        }
        return new ImageStack[] {x, y};
    }

    /** {N, C, H, W}. */
    int[] shape() {
        return new int[] {count, channels, height, width};
    }

    /** Values per image, C·H·W. */
    int imageSize() {
        return channels * height * width;
    }

    /** Values per channel plane, H·W. */
    int planeSize() {
        return height * width;
    }

    /** Index of the first value of image {@code i}. */
    int imageOffset(int i) {
        return i * imageSize();
    }

    /** A copy of channel {@code c} of image {@code i}, [H, W]. */
    double[] plane(int i, int c) {
        return widen(imageOffset(i) + c * planeSize(), planeSize(), new double[planeSize()], 0);
    }

    /** A copy of channel {@code c} of images {@code from..to−1} stacked as a volume [to−from, H, W]. */
    double[] channelVolume(int c, int from, int to) {
        int plane = planeSize();
        double[] out = new double[(to - from) * plane];
        for (int i = from; i < to; i++) {
            widen(imageOffset(i) + c * plane, plane, out, (i - from) * plane);
        }
        return out;
    }

    private double[] widen(int from, int length, double[] out, int at) {
        for (int k = 0; k < length; k++) {
            out[at + k] = values[from + k];
        }
        return out;
    }
}
