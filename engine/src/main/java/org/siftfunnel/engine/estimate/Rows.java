package org.siftfunnel.engine.estimate;

import java.util.Arrays;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Row selection on axis 0 of a batch: seeded permutations (to make samples of the product of
 * marginals) and taking rows by index, done on the tensor's own backend with
 * {@link Tensor#gather}, so nothing is copied through the host but the indices.
 */
public final class Rows {
    private Rows() {
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher–Yates), like PyTorch's
     * {@code randperm}: a row may stay in place.
     */
    public static int[] permutation(int n, RandomSource rng) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation: n must be ≥ 0, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** {@code t} with its rows (axis 0) in a random order drawn from {@code rng}. */
    public static Tensor shuffle(Tensor t, RandomSource rng) {
        checkBatch("shuffle", t);
        return take(t, permutation(t.size(0), rng));
    }

    /**
     * The rows {@code rows[0], rows[1], ...} of {@code t} (axis 0), as a new tensor of shape
     * {@code [rows.length, ...]}; differentiable (the gradient scatters back).
     */
    public static Tensor take(Tensor t, int[] rows) {
        checkBatch("take", t);
        int n = t.size(0);
        if (rows.length == 0) {
            throw new IllegalArgumentException("take: no rows requested from a tensor of shape " + Arrays.toString(t.shape()));
        }
        int features = t.numel() / n;
        float[] index = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("take: row " + rows[i] + " out of range for shape " + Arrays.toString(t.shape()));
            }
            index[i] = rows[i];
        }
        // gather wants the index shaped like the output; one index per row, broadcast along the row.
        Tensor idx = Tensor.of(t.backend(), index, rows.length, 1).expand(rows.length, features);
        int[] outShape = t.shape();
        outShape[0] = rows.length;
        return t.reshape(n, features).gather(0, idx).reshape(outShape);
    }

    private static void checkBatch(String op, Tensor t) {
        if (t.rank() < 1 || t.size(0) < 1 || t.numel() == 0) {
            throw new IllegalArgumentException(op + ": expected a non-empty batch [B, ...], got shape " + Arrays.toString(t.shape()));
        }
    }
}
