package org.siftfunnel.model.attack;

import org.siftfunnel.engine.loss.Losses;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The rMLE objective {@code featureLoss(f, z) + λ·TV'(x̂)} (see {@link InversionSettings}),
 * differentiable in f and x̂.
 */
public final class InversionObjective {
    /**
     * Floor of ‖z‖² in the relative loss: only guards against an all-zero feature (division by
     * zero); far below any float32 feature energy that matters, so scaling stays exact.
     */
    static final float MIN_ENERGY = 1e-30f;

    private InversionObjective() {
    }

    /**
     * The full objective.
     *
     * @param features f(norm(x̂)) [N, ...]
     * @param z        the target features, same shape (no gradient needed)
     * @param x        x̂ [N, C, H, W] in raw pixel units
     * @param weight   λ ≥ 0; the TV term is left out entirely at 0
     */
    public static Tensor value(Tensor features, Tensor z, Tensor x, InversionSettings.FeatureLoss loss, InversionSettings.TvForm form,
            float weight) {
        Tensor f = featureLoss(features, z, loss);
        return weight == 0f ? f : f.add(tvTerm(x, form).mul(weight));
    }

    /** {@code mean((f − z)²)}, or per sample {@code ‖f − z‖² / ‖z‖²} averaged over the batch. */
    public static Tensor featureLoss(Tensor features, Tensor z, InversionSettings.FeatureLoss loss) {
        return switch (loss) {
            case MEAN_SQUARED -> Losses.mse(features, z);
            case RELATIVE -> {
                if (!java.util.Arrays.equals(features.shape(), z.shape()) || features.rank() < 2) {
                    throw new IllegalArgumentException("relative feature loss: features and z must have the same shape [N, ...], got "
                            + java.util.Arrays.toString(features.shape()) + " and " + java.util.Arrays.toString(z.shape()));
                }
                int n = features.size(0);
                Tensor err = features.sub(z).square().reshape(n, -1).sum(1, false);
                Tensor energy = z.square().reshape(n, -1).sum(1, false).maximum(MIN_ENERGY);
                yield err.div(energy).mean();
            }
        };
    }

    /** sqrt(TV(x)) or TV(x). */
    public static Tensor tvTerm(Tensor x, InversionSettings.TvForm form) {
        Tensor tv = Losses.totalVariation(x);
        return form == InversionSettings.TvForm.SQRT ? tv.sqrt() : tv;
    }
}
