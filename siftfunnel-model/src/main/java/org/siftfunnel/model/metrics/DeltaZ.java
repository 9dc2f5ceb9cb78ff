package org.siftfunnel.model.metrics;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The paper's "effective information volume" ΔZ: the mean number of non-zero elements per
 * feature tensor, {@code torch.count_nonzero(z) / N} as {@code Mutual_Information_estimator.py}
 * prints it, beside the size of one feature tensor.
 *
 * @param meanNonZero ΔZ, non-zero elements per sample averaged over the N samples
 * @param dimension   dim(z), elements per sample
 * @param samples     N
 */
public record DeltaZ(double meanNonZero, int dimension, int samples) {

    /**
     * ΔZ of features {@code z} [N, ...]. An element counts as non-zero unless it equals 0
     * exactly (NaN counts, as in {@code torch.count_nonzero}).
     */
    public static DeltaZ of(Tensor z) {
        if (z == null) {
            throw new IllegalArgumentException("delta_z: features are null");
        }
        int[] s = z.shape();
        if (s.length < 2 || s[0] < 1) {
            throw new IllegalArgumentException("delta_z: features must be [N, ...] with N ≥ 1 and at least one feature"
                    + " axis, got shape " + Arrays.toString(s));
        }
        float[] v = z.toArray();
        long nonZero = 0;
        for (float f : v) {
            if (f != 0f) {
                nonZero++;
            }
        }
        return new DeltaZ((double) nonZero / s[0], v.length / s[0], s[0]);
    }

    /** ΔZ / dim(z): the fraction of feature elements that are non-zero. */
    public double fraction() {
        return dimension == 0 ? 0 : meanNonZero / dimension;
    }
}
