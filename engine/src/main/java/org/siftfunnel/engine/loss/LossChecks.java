package org.siftfunnel.engine.loss;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/** Argument checks shared by the losses; every failure names the loss, the shapes and what was expected. */
final class LossChecks {
    private LossChecks() {
    }

    static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }

    static void notNull(String loss, String what, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(loss + ": " + what + " is null");
        }
    }

    static void rank(String loss, String what, Tensor t, int expectedRank, String layout) {
        notNull(loss, what, t);
        if (t.rank() != expectedRank) {
            throw new IllegalArgumentException(loss + ": " + what + " must be " + layout + " (rank " + expectedRank
                    + "), got shape " + shape(t));
        }
    }

    static void sameShape(String loss, Tensor a, Tensor b) {
        notNull(loss, "first input", a);
        notNull(loss, "second input", b);
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(loss + ": inputs must have the same shape, got " + shape(a) + " and " + shape(b));
        }
    }

    /** Both tensors hold one sample per row of axis 0, and at least {@code minSamples} of them. */
    static int sameBatch(String loss, String nameA, Tensor a, String nameB, Tensor b, int minSamples) {
        notNull(loss, nameA, a);
        notNull(loss, nameB, b);
        if (a.rank() < 1 || b.rank() < 1) {
            throw new IllegalArgumentException(loss + ": " + nameA + " and " + nameB + " must be [n, ...], got shapes "
                    + shape(a) + " and " + shape(b));
        }
        if (a.size(0) != b.size(0)) {
            throw new IllegalArgumentException(loss + ": batch sizes differ: " + nameA + " " + shape(a) + " has " + a.size(0)
                    + " samples, " + nameB + " " + shape(b) + " has " + b.size(0));
        }
        if (a.size(0) < minSamples) {
            throw new IllegalArgumentException(loss + ": needs at least " + minSamples + " samples, got " + a.size(0)
                    + " (shapes " + shape(a) + " and " + shape(b) + ")");
        }
        return a.size(0);
    }

    /**
     * Validates class labels against {@code n} samples of {@code k} classes and returns them as
     * ints. Float labels must hold whole numbers (index tensors are float tensors).
     */
    static int[] labels(String loss, float[] values, int[] labelShape, int n, int k) {
        if (labelShape.length != 1 || values.length != n) {
            throw new IllegalArgumentException(loss + ": labels must be [" + n + "] (one per sample), got shape "
                    + Arrays.toString(labelShape));
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float v = values[i];
            if (v != Math.rint(v)) {
                throw new IllegalArgumentException(loss + ": label " + v + " at index " + i + " is not a whole number");
            }
            out[i] = checkLabel(loss, (int) v, i, k, v);
        }
        return out;
    }

    static int[] labels(String loss, int[] values, int n, int k) {
        notNull(loss, "labels", values);
        if (values.length != n) {
            throw new IllegalArgumentException(loss + ": " + values.length + " labels for " + n + " samples");
        }
        for (int i = 0; i < n; i++) {
            checkLabel(loss, values[i], i, k, values[i]);
        }
        return values.clone();
    }

    private static int checkLabel(String loss, int label, int index, int k, float original) {
        if (original < 0 || original >= k) {
            throw new IllegalArgumentException(loss + ": label " + label + " at index " + index + " is out of range [0, "
                    + k + ")");
        }
        return label;
    }
}
