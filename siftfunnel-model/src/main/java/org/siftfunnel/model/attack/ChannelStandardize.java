package org.siftfunnel.model.attack;

import java.util.Arrays;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A fixed per-channel affine map {@code (z − mean[c]) / std[c]} for features [N, C, h, w], the
 * first layer of the adaptive decoder. The statistics are estimated once on the attacker's
 * auxiliary features and kept as buffers (saved with the decoder, never trained). It makes the
 * decoder indifferent to the scale of the features: SiftFunnel's L1 term shrinks them, which
 * would otherwise leave a decoder with standard initialisation seeing near-zero inputs.
 */
public final class ChannelStandardize extends Module {
    private final int channels;

    /**
     * @param mean per-channel means
     * @param std  per-channel standard deviations, all positive and finite
     */
    public ChannelStandardize(float[] mean, float[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("ChannelStandardize: mean and std need one value per channel, got mean "
                    + Arrays.toString(mean) + ", std " + Arrays.toString(std));
        }
        for (int c = 0; c < std.length; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("ChannelStandardize: channel " + c + " has mean " + mean[c] + ", std " + std[c]
                        + "; the mean must be finite and the std positive and finite");
            }
        }
        this.channels = mean.length;
        registerBuffer("mean", Tensor.of(mean.clone(), channels));
        registerBuffer("std", Tensor.of(std.clone(), channels));
    }

    /**
     * Per-channel statistics of features [N, C, h, w] over N, h and w. A channel whose std is 0
     * (e.g. always zero after a ReLU) or negligible next to the largest channel's gets the floor
     * {@code 1e-6 · max std} (or 1 when every channel is constant), so it stays finite without
     * blowing up noise.
     */
    public static ChannelStandardize estimate(Tensor features) {
        int[] s = features.shape();
        if (s.length != 4 || s[0] < 1) {
            throw new IllegalArgumentException("ChannelStandardize.estimate: expected non-empty features [N, C, h, w], got "
                    + Arrays.toString(s));
        }
        int c = s[1];
        int plane = s[2] * s[3];
        float[] v = features.toArray();
        double[] sum = new double[c];
        double[] sq = new double[c];
        for (int n = 0; n < s[0]; n++) {
            for (int k = 0; k < c; k++) {
                int base = (n * c + k) * plane;
                for (int p = 0; p < plane; p++) {
                    double x = v[base + p];
                    sum[k] += x;
                    sq[k] += x * x;
                }
            }
        }
        double count = (double) s[0] * plane;
        float[] mean = new float[c];
        double[] std = new double[c];
        double maxStd = 0;
        for (int k = 0; k < c; k++) {
            double m = sum[k] / count;
            mean[k] = (float) m;
            std[k] = Math.sqrt(Math.max(0, sq[k] / count - m * m));
            maxStd = Math.max(maxStd, std[k]);
        }
        double floor = maxStd > 0 ? 1e-6 * maxStd : 1;
        float[] out = new float[c];
        for (int k = 0; k < c; k++) {
            out[k] = (float) Math.max(std[k], floor);
        }
        return new ChannelStandardize(mean, out);
    }

    public float[] mean() {
        return buffer("mean").toArray();
    }

    public float[] std() {
        return buffer("std").toArray();
    }

    @Override
    public Tensor forward(Tensor z) {
        if (z.rank() != 4 || z.size(1) != channels) {
            throw new IllegalArgumentException("ChannelStandardize: expected features [N, " + channels + ", h, w], got "
                    + Arrays.toString(z.shape()));
        }
        return z.sub(buffer("mean").reshape(1, channels, 1, 1)).div(buffer("std").reshape(1, channels, 1, 1));
    }

    @Override
    protected String extraRepr() {
        return Integer.toString(channels);
    }
}
