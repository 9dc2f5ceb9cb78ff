package org.siftfunnel.engine.tensor;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.random.RandomSource;

/** Softmax, batch normalisation and dropout. */
public final class Normalization {
    private Normalization() {
    }

    static Tensor softmax(Tensor x, int axis, boolean log) {
        int a = Shapes.axis(log ? "log_softmax" : "softmax", axis, x.rank());
        int[] s = x.shape();
        int outer = Shapes.prod(s, 0, a);
        int inner = Shapes.prod(s, a + 1, s.length);
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, s);
        be.softmax(x.buffer(), y.buffer(), outer, s[a], inner, log);
        return Tensor.record(log ? "log_softmax" : "softmax", y, g -> {
            Tensor gx = Tensor.empty(be, s);
            be.softmaxBackward(y.buffer(), g.buffer(), gx.buffer(), outer, s[a], inner, log);
            return new Tensor[] {gx};
        }, x);
    }

    /**
     * Batch normalisation over axis 1 of an [N, C, ...] tensor. In training mode it uses batch
     * statistics and, when running buffers are given, updates them in place with
     * {@code momentum} (the running variance takes the unbiased batch variance, as PyTorch);
     * in eval mode it uses the running statistics.
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   boolean training, float momentum, float eps) {
        int[] s = x.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("batch_norm: input must be [N, C, ...], got shape " + Shapes.str(s));
        }
        int n = s[0];
        int c = s[1];
        int hw = Shapes.prod(s, 2, s.length);
        for (Tensor p : new Tensor[] {gamma, beta, runningMean, runningVar}) {
            if (p != null && (p.rank() != 1 || p.size(0) != c)) {
                throw new IllegalArgumentException("batch_norm: per-channel tensors must be [" + c + "] for input "
                        + Shapes.str(s) + ", got " + Shapes.str(p.shape()));
            }
        }
        Backend be = x.backend();
        if (!training) {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batch_norm: eval mode needs running statistics");
            }
            int[] bshape = new int[s.length];
            java.util.Arrays.fill(bshape, 1);
            bshape[1] = c;
            Tensor scale = runningVar.detach().add(eps).sqrt().reciprocal();
            Tensor shift = runningMean.detach().mul(scale).neg();
            Tensor y = x.mul(scale.reshape(bshape)).add(shift.reshape(bshape));
            if (gamma != null) {
                y = y.mul(gamma.reshape(bshape));
            }
            if (beta != null) {
                y = y.add(beta.reshape(bshape));
            }
            return y;
        }
        if (n * hw < 2) {
            throw new IllegalArgumentException("batch_norm: training needs more than one value per channel, got input shape " + Shapes.str(s));
        }
        Tensor out = Tensor.empty(be, s);
        Tensor mean = Tensor.empty(be, c);
        Tensor invStd = Tensor.empty(be, c);
        be.batchNormForward(x.buffer(), gamma == null ? null : gamma.buffer(), beta == null ? null : beta.buffer(),
                out.buffer(), mean.buffer(), invStd.buffer(), n, c, hw, eps);
        if (runningMean != null && runningVar != null) {
            try (var scope = org.siftfunnel.engine.autograd.GradMode.noGrad()) {
                int count = n * hw;
                Tensor biasedVar = invStd.square().reciprocal().sub(eps);
                Tensor unbiased = biasedVar.mul((float) count / (count - 1));
                runningMean.copyFrom(runningMean.mul(1f - momentum).add(mean.mul(momentum)));
                runningVar.copyFrom(runningVar.mul(1f - momentum).add(unbiased.mul(momentum)));
            }
        }
        return Tensor.record("batch_norm", out, gy -> {
            Tensor gx = Tensor.empty(be, s);
            boolean needW = gamma != null && gamma.requiresGrad();
            boolean needB = beta != null && beta.requiresGrad();
            Tensor gg = needW ? Tensor.empty(be, c) : null;
            Tensor gb = needB ? Tensor.empty(be, c) : null;
            be.batchNormBackward(x.buffer(), gy.buffer(), gamma == null ? null : gamma.buffer(), mean.buffer(), invStd.buffer(),
                    gx.buffer(), gg == null ? null : gg.buffer(), gb == null ? null : gb.buffer(), n, c, hw);
            return new Tensor[] {gx, gg, gb};
        }, x, gamma, beta);
    }

    /**
     * Dropout: in training, zeroes each element with probability p; when {@code rescale}, the
     * survivors are scaled by 1/(1−p) (inverted dropout, PyTorch's); without it, they keep
     * their value (the paper's feature-dropout defense).
     */
    static Tensor dropout(Tensor x, float p, boolean training, RandomSource rng, boolean rescale) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        }
        if (!training || p == 0f) {
            return x;
        }
        Tensor keep = Tensor.bernoulli(x.backend(), rng, 1f - p, x.shape());
        Tensor y = x.mul(keep);
        return rescale && p < 1f ? y.mul(1f / (1f - p)) : y;
    }

    /** Feature dropout without rescaling, as the paper's dropout defense applies it. */
    public static Tensor dropoutNoRescale(Tensor x, float p, RandomSource rng) {
        return dropout(x, p, true, rng, false);
    }
}
