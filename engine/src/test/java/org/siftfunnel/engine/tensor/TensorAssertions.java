package org.siftfunnel.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Comparisons of float arrays and tensors with a scale-aware tolerance:
 * {@code max|got − expected| ≤ tol · (1 + max|expected|)}. Scaling by the largest expected
 * magnitude keeps one tolerance meaningful for values near 1 and for large sums alike.
 */
public final class TensorAssertions {
    private TensorAssertions() {
    }

    /** Fails unless shapes are equal and the values agree within {@code tol}. */
    public static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertClose(what, expected.toArray(), actual.toArray(), tol);
    }

    /** Fails unless the arrays have equal length and agree within {@code tol}. */
    public static void assertClose(String what, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double allowed = tol * (1 + scale);
        double worst = -1;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            // NaN where a number is expected (or the reverse) must fail, so test with !(err <= ...).
            boolean bothNaN = Float.isNaN(expected[i]) && Float.isNaN(actual[i]);
            boolean sameInfinity = Float.isInfinite(expected[i]) && expected[i] == actual[i];
            if (bothNaN || sameInfinity) {
                continue;
            }
            if (!(err <= worst) || Double.isNaN(err)) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                at = i;
            }
        }
        if (at >= 0 && !(worst <= allowed)) {
            throw new AssertionError(String.format(
                    "%s: max error %.3g at element %d (expected %.8g, got %.8g) exceeds %.3g = %.1g·(1 + max|expected| %.4g)",
                    what, worst, at, expected[at], actual[at], allowed, tol, scale));
        }
    }
}
