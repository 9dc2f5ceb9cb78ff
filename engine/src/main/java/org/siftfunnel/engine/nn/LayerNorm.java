package org.siftfunnel.engine.nn;

import java.util.Arrays;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Layer normalisation over the last axes (those of {@code normalizedShape}): each sample is
 * shifted to mean 0 and scaled to (biased) variance 1, {@code (x − μ)/√(σ² + eps)}, then
 * multiplied by {@code weight} (ones) and shifted by {@code bias} (zeros) when affine, as
 * PyTorch's {@code nn.LayerNorm}. Composed from tensor ops, so autograd differentiates it.
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final float eps;

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must list at least one axis");
        }
        for (int d : normalizedShape) {
            Layers.checkPositive("LayerNorm", "normalizedShape entry", d);
        }
        if (!(eps > 0f)) {
            throw new IllegalArgumentException("LayerNorm: eps must be > 0, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (elementwiseAffine) {
            registerParameter("weight", Init.ones(normalizedShape));
            registerParameter("bias", Init.zeros(normalizedShape));
        }
    }

    /** Over the last axis of size {@code features}, eps 1e-5, affine. */
    public LayerNorm(int features) {
        this(new int[] {features}, 1e-5f, true);
    }

    /** γ, or null when not affine. */
    public Tensor weight() {
        return parameterOrNull("weight");
    }

    /** β, or null when not affine. */
    public Tensor bias() {
        return parameterOrNull("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        int k = normalizedShape.length;
        if (s.length < k || !Arrays.equals(Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape)) {
            throw new IllegalArgumentException("LayerNorm" + Arrays.toString(normalizedShape) + ": input of shape "
                    + Arrays.toString(s) + " must end in " + Arrays.toString(normalizedShape));
        }
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = s.length - k + i;
        }
        Tensor centred = x.sub(x.mean(axes, true));
        Tensor invStd = centred.square().mean(axes, true).add(eps).sqrt().reciprocal();
        Tensor y = centred.mul(invStd);
        Tensor w = weight();
        if (w != null) {
            y = y.mul(w).add(bias());
        }
        return y;
    }

    @Override
    protected String extraRepr() {
        return Arrays.toString(normalizedShape) + ", eps=" + eps + (weight() == null ? ", elementwiseAffine=false" : "");
    }
}
