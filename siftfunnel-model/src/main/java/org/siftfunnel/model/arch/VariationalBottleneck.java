package org.siftfunnel.model.arch;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.siftfunnel.engine.nn.Init;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The stochastic layer of MID (Wang et al., AAAI'21; {@code st_layer} in the released
 * {@code mid_model_packages.py} and in mi-defense): an affine map to 2k values per sample,
 * split into μ and a raw scale s, with
 *
 * <pre>
 *   σ = softplus(s − 5),   output = μ + σ·ε,  ε ~ N(0, 1)   (training)
 *   output = μ                                                (evaluation)
 * </pre>
 *
 * and the KL divergence of N(μ, σ²) from N(0, I), summed over the k latent values and averaged
 * over the batch: {@code KL = mean_n(−½ Σ_j (1 + 2·log σ − μ² − σ²))}.
 *
 * <p>Two forms:
 * <ul>
 *   <li>{@link #dense} on flattened features [N, d]: Linear(d → 2k), output [N, k] (the released
 *       placement before the classifier head);</li>
 *   <li>{@link #channelwise} on a feature map [N, C, H, W]: a 1×1 convolution C → 2C, output
 *       [N, C, H, W], so the bottleneck's output has the transmitted feature's shape and can be
 *       placed at the split. A dense map of the flattened map would need d·2d weights (134 M at
 *       the CNN's 128×8×8 split, 2.1 G at ResNet-18's 128×16×16), which neither fits the memory
 *       of a CPU run nor the engine's int-indexed tensors.</li>
 * </ul>
 *
 * <p>Unlike the released code, which samples ε at evaluation too, evaluation returns μ, so the
 * eval-mode model is deterministic (the usual VIB convention, and the brief's). The parameters
 * are registered directly as {@code weight} and {@code bias}, so a model that registers this
 * module as {@code st_layer} has the released state-dict names ({@code st_layer.weight}).
 *
 * <p>Each forward pass records its μ and σ; {@link #klDivergence()} returns the KL of the most
 * recent pass (a training step reads it right after the forward pass that produced it, so a
 * module must not be shared between concurrent forward passes).
 */
public final class VariationalBottleneck extends Module {
    /** Added to the raw scale before the softplus: σ starts near softplus(−5) ≈ 0.0067. */
    public static final float SCALE_SHIFT = 5f;
    /**
     * Lower bound for σ inside {@code log σ} only. softplus(t) underflows float32 below
     * t ≈ −87, which would make the KL −∞; the bound (σ ≈ 1e-20, i.e. t ≈ −46) is never reached
     * from the initial t ≈ −5 unless training diverges, and it keeps the loss finite if it does.
     */
    static final float MIN_SIGMA_IN_LOG = 1e-20f;

    private final boolean dense;
    private final int latent;
    private final RandomSource noise;
    private Tensor lastMu;
    private Tensor lastSigma;

    private VariationalBottleneck(boolean dense, int latent, Tensor weight, Tensor bias, RandomSource noise) {
        this.dense = dense;
        this.latent = latent;
        this.noise = Objects.requireNonNull(noise, "VariationalBottleneck: rng");
        registerParameter("weight", weight);
        registerParameter("bias", bias);
    }

    /**
     * Linear(inFeatures → 2·latent) on [N, inFeatures], output [N, latent]; initialised as
     * PyTorch's {@code nn.Linear}. The noise ε is drawn from a generator forked from {@code rng}.
     */
    public static VariationalBottleneck dense(int inFeatures, int latent, RandomSource rng) {
        if (inFeatures < 1 || latent < 1) {
            throw new IllegalArgumentException("VariationalBottleneck.dense: inFeatures and latent must be ≥ 1, got "
                    + inFeatures + " and " + latent);
        }
        Tensor w = Init.defaultWeight(rng, 2 * latent, inFeatures);
        Tensor b = Init.defaultBias(rng, inFeatures, 2 * latent);
        return new VariationalBottleneck(true, latent, w, b, rng.fork());
    }

    /**
     * A 1×1 convolution channels → 2·channels on [N, channels, H, W], output of the input's
     * shape; initialised as PyTorch's {@code nn.Conv2d}.
     */
    public static VariationalBottleneck channelwise(int channels, RandomSource rng) {
        if (channels < 1) {
            throw new IllegalArgumentException("VariationalBottleneck.channelwise: channels must be ≥ 1, got " + channels);
        }
        int[] shape = {2 * channels, channels, 1, 1};
        Tensor w = Init.defaultWeight(rng, shape);
        Tensor b = Init.defaultBias(rng, Init.fanIn(shape), 2 * channels);
        return new VariationalBottleneck(false, channels, w, b, rng.fork());
    }

    /** k: latent values per sample (dense) or channels per position (channelwise). */
    public int latent() {
        return latent;
    }

    /** Whether this is the dense form (flattened input) rather than the 1×1-convolution form. */
    public boolean isDense() {
        return dense;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor stats = encode(x);
        Tensor mu = stats.slice(1, 0, latent);
        Tensor sigma = stats.slice(1, latent, 2 * latent).sub(SCALE_SHIFT).softplus();
        lastMu = mu;
        lastSigma = sigma;
        if (!isTraining()) {
            return mu;
        }
        Tensor eps = Tensor.randn(x.backend(), noise, 0f, 1f, sigma.shape());
        return mu.add(sigma.mul(eps));
    }

    private Tensor encode(Tensor x) {
        Tensor w = parameter("weight");
        Tensor b = parameter("bias");
        int[] s = x.shape();
        if (dense) {
            if (s.length != 2 || s[1] != w.size(1)) {
                throw new IllegalArgumentException("VariationalBottleneck: expected input [N, " + w.size(1) + "], got shape "
                        + Arrays.toString(s));
            }
            return x.linear(w, b);
        }
        if (s.length != 4 || s[1] != latent) {
            throw new IllegalArgumentException("VariationalBottleneck: expected input [N, " + latent + ", H, W], got shape "
                    + Arrays.toString(s));
        }
        return x.conv2d(w, b, 1, 0);
    }

    /**
     * KL(N(μ, σ²) ‖ N(0, I)) of the most recent forward pass: the sum over each sample's latent
     * values, averaged over the batch, shape [1], connected to the graph of that pass.
     *
     * @throws IllegalStateException before the first forward pass
     */
    public Tensor klDivergence() {
        if (lastMu == null) {
            throw new IllegalStateException("VariationalBottleneck: no forward pass yet, so no KL divergence to report");
        }
        return klDivergence(lastMu, lastSigma);
    }

    /** {@code mean_n(−½ Σ_j (1 + 2·log σ − μ² − σ²))} for μ, σ of shape [N, ...]. */
    public static Tensor klDivergence(Tensor mu, Tensor sigma) {
        if (!Arrays.equals(mu.shape(), sigma.shape())) {
            throw new IllegalArgumentException("VariationalBottleneck.klDivergence: μ and σ shapes differ: "
                    + Arrays.toString(mu.shape()) + " and " + Arrays.toString(sigma.shape()));
        }
        int n = mu.size(0);
        Tensor logSigma = sigma.maximum(MIN_SIGMA_IN_LOG).log();
        Tensor perValue = logSigma.mul(2f).add(1f).sub(mu.square()).sub(sigma.square());
        return perValue.reshape(n, -1).sum(1, false).mean().mul(-0.5f);
    }

    /** μ of the most recent forward pass (the evaluation output), or null before the first. */
    public Tensor lastMean() {
        return lastMu;
    }

    /** σ of the most recent forward pass, or null before the first. */
    public Tensor lastSigma() {
        return lastSigma;
    }

    @Override
    protected String extraRepr() {
        Tensor w = parameter("weight");
        return dense ? "dense " + w.size(1) + " → 2×" + latent : "1×1 conv " + latent + " → 2×" + latent + " channels";
    }

    @Override
    protected List<RandomSource> ownRandomSources() {
        return List.of(noise);
    }

}
