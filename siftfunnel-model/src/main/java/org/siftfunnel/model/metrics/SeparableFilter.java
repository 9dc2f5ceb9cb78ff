package org.siftfunnel.model.metrics;

import java.util.Arrays;

/**
 * Correlation of an n-dimensional array with the same symmetric 1-D kernel along every axis,
 * one axis after another, as {@code scipy.ndimage.uniform_filter} and {@code gaussian_filter}
 * do. Values outside the array come from scipy's default {@code 'reflect'} mode, which mirrors
 * about the edge and repeats the edge value ({@code d c b a | a b c d | d c b a}).
 */
final class SeparableFilter {
    private final double[] weights;
    private final int radius;

    private SeparableFilter(double[] weights) {
        this.weights = weights;
        this.radius = weights.length / 2;
    }

    /** The {@code size}-tap box filter, weights 1/size (size odd). */
    static SeparableFilter uniform(int size) {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("uniform filter: size must be odd and positive, got " + size);
        }
        double[] w = new double[size];
        Arrays.fill(w, 1.0 / size);
        return new SeparableFilter(w);
    }

    /**
     * scipy's Gaussian kernel: radius {@code int(truncate·sigma + 0.5)}, weights
     * {@code exp(−x²/(2σ²))} normalised to sum 1.
     */
    static SeparableFilter gaussian(double sigma, double truncate) {
        if (!(sigma > 0) || !(truncate > 0)) {
            throw new IllegalArgumentException("gaussian filter: sigma and truncate must be positive, got sigma "
                    + sigma + ", truncate " + truncate);
        }
        int r = gaussianRadius(sigma, truncate);
        double[] w = new double[2 * r + 1];
        double sum = 0;
        for (int k = -r; k <= r; k++) {
            w[k + r] = Math.exp(-0.5 * k * k / (sigma * sigma));
            sum += w[k + r];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return new SeparableFilter(w);
    }

    /** The radius scipy (and skimage, to size its window) derive from sigma and truncate. */
    static int gaussianRadius(double sigma, double truncate) {
        return (int) (truncate * sigma + 0.5);
    }

    /** Window width, 2·radius + 1. */
    int size() {
        return weights.length;
    }

    /** The filtered array, same shape; {@code dims} gives the row-major shape of {@code data}. */
    double[] apply(double[] data, int[] dims) {
        double[] source = data;
        for (int axis = 0; axis < dims.length; axis++) {
            int n = dims[axis];
            int stride = 1;
            for (int a = axis + 1; a < dims.length; a++) {
                stride *= dims[a];
            }
            int outer = data.length / (n * stride);
            // tap[i + k] is the index read by tap k of output i, reflected at the ends.
            int[] tap = new int[n + 2 * radius];
            for (int p = 0; p < tap.length; p++) {
                tap[p] = reflect(p - radius, n);
            }
            double[] target = new double[data.length];
            if (stride == 1) {
                filterLines(source, target, outer, n, tap);
            } else {
                filterRows(source, target, outer, n, stride, tap);
            }
            source = target;
        }
        return source;
    }

    /** The last axis: each output is a dot product of the weights with reflected neighbours. */
    private void filterLines(double[] source, double[] target, int outer, int n, int[] tap) {
        for (int o = 0; o < outer; o++) {
            int base = o * n;
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int k = 0; k < weights.length; k++) {
                    acc += weights[k] * source[base + tap[i + k]];
                }
                target[base + i] = acc;
            }
        }
    }

    /**
     * An outer axis: each output row of {@code stride} contiguous values is the weighted sum of
     * whole input rows, which reads memory in order (a column at a time would jump by the stride).
     * The taps are added in the same order as in {@link #filterLines}, so both give the same sums.
     */
    private void filterRows(double[] source, double[] target, int outer, int n, int stride, int[] tap) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                int out = (o * n + i) * stride;
                for (int k = 0; k < weights.length; k++) {
                    double w = weights[k];
                    int in = (o * n + tap[i + k]) * stride;
                    for (int j = 0; j < stride; j++) {
                        target[out + j] += w * source[in + j];
                    }
                }
            }
        }
    }

    /** scipy's 'reflect' index: period 2n, mirrored about the half-sample points at each edge. */
    static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }
}
