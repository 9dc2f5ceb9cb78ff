package org.siftfunnel.engine.nn;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Affine map over the last axis: {@code y = x·Wᵀ + b} with weight [out, in] (PyTorch's layout)
 * and optional bias [out]. Accepts any input of shape [..., in]. Initialised as PyTorch's
 * {@code nn.Linear}.
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;

    public Linear(int inFeatures, int outFeatures, boolean bias, RandomSource rng) {
        Layers.checkPositive("Linear", "inFeatures", inFeatures);
        Layers.checkPositive("Linear", "outFeatures", outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", Init.defaultWeight(rng, outFeatures, inFeatures));
        if (bias) {
            registerParameter("bias", Init.defaultBias(rng, inFeatures, outFeatures));
        }
    }

    /**
     * Wraps given tensors (weight [out, in], bias [out] or null) as the layer's parameters,
     * e.g. for an initialisation other than the default.
     */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("Linear: weight must be [out, in], got shape " + java.util.Arrays.toString(weight.shape()));
        }
        this.outFeatures = weight.size(0);
        this.inFeatures = weight.size(1);
        if (bias != null && (bias.rank() != 1 || bias.size(0) != outFeatures)) {
            throw new IllegalArgumentException("Linear: bias must be [" + outFeatures + "], got shape "
                    + java.util.Arrays.toString(bias.shape()));
        }
        registerParameter("weight", weight);
        if (bias != null) {
            registerParameter("bias", bias);
        }
    }

    /** With bias. */
    public Linear(int inFeatures, int outFeatures, RandomSource rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return parameterOrNull("bias");
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + " → " + outFeatures + "): input of shape "
                    + java.util.Arrays.toString(x.shape()) + " must end in " + inFeatures + " features");
        }
        return x.linear(weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return inFeatures + ", " + outFeatures + (bias() == null ? ", bias=false" : "");
    }
}
