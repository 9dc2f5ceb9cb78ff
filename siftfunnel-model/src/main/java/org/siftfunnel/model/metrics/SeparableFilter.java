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
        double[] current = data.clone();
        double[] line = new double[0];
        double[] padded = new double[0];
        for (int axis = 0; axis < dims.length; axis++) {
            int n = dims[axis];
            int stride = 1;
            for (int a = axis + 1; a < dims.length; a++) {
                stride *= dims[a];
            }
            int outer = data.length / (n * stride);
            if (line.length != n) {
                line = new double[n];
                padded = new double[n + 2 * radius];
            }
            for (int o = 0; o < outer; o++) {
                for (int inner = 0; inner < stride; inner++) {
                    int base = o * n * stride + inner;
                    for (int i = 0; i < n; i++) {
                        line[i] = current[base + i * stride];
                    }
                    for (int p = 0; p < padded.length; p++) {
                        padded[p] = line[reflect(p - radius, n)];
                    }
                    for (int i = 0; i < n; i++) {
                        double acc = 0;
                        for (int k = 0; k < weights.length; k++) {
                            acc += weights[k] * padded[i + k];
                        }
                        current[base + i * stride] = acc;
                    }
                }
            }
        }
        return current;
    }

    /** scipy's 'reflect' index: period 2n, mirrored about the half-sample points at each edge. */
    static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }
}
