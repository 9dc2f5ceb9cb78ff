package org.siftfunnel.engine.backend;

/**
 * Scalar definitions of the fused optimiser updates, with PyTorch's semantics
 * ({@code torch.optim.Adam/AdamW/SGD}). Each method updates the state arrays at {@code i}
 * and returns the new parameter value.
 */
public final class OptimizerMath {
    private OptimizerMath() {
    }

    public static float adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int i, AdamConfig c) {
        float param = p[i];
        float grad = g[i];
        if (c.weightDecay() != 0f) {
            if (c.decoupledWeightDecay()) {
                param *= 1f - c.lr() * c.weightDecay();
            } else {
                grad += c.weightDecay() * param;
            }
        }
        float mi = c.beta1() * m[i] + (1f - c.beta1()) * grad;
        float vi = c.beta2() * v[i] + (1f - c.beta2()) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        double bc1 = 1.0 - Math.pow(c.beta1(), c.step());
        double bc2 = 1.0 - Math.pow(c.beta2(), c.step());
        float vUse = vi;
        if (c.amsgrad()) {
            vUse = Math.max(vMax[i], vi);
            vMax[i] = vUse;
        }
        float denom = (float) (Math.sqrt(vUse) / Math.sqrt(bc2)) + c.eps();
        float stepSize = (float) (c.lr() / bc1);
        return param - stepSize * mi / denom;
    }

    public static float sgd(float[] p, float[] g, float[] buf, int i, SgdConfig c) {
        float param = p[i];
        float grad = g[i];
        if (c.weightDecay() != 0f) {
            grad += c.weightDecay() * param;
        }
        if (c.momentum() != 0f) {
            float b = c.firstStep() ? grad : c.momentum() * buf[i] + (1f - c.dampening()) * grad;
            buf[i] = b;
            grad = c.nesterov() ? grad + c.momentum() * b : b;
        }
        return param - c.lr() * grad;
    }
}
