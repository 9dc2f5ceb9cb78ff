package org.siftfunnel.engine.nn.attention;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.nn.Init;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Multi-head scaled dot-product self-attention over a batch-first sequence [N, L, E]:
 * queries, keys and values are the projections {@code q_proj}, {@code k_proj},
 * {@code v_proj} of the input; each of the H heads attends with
 * {@code softmax(q·kᵀ/√d)·v} (d = E/H); the heads are concatenated and projected by
 * {@code out_proj}. No masking, no attention dropout (PyTorch's defaults).
 *
 * <p>Initialisation follows PyTorch's {@code nn.MultiheadAttention}: the three input
 * projections share one Xavier-uniform draw over a [3E, E] matrix, input biases and the
 * output bias are zero, the output weight uses the Linear default. PyTorch stores the input
 * projections packed as {@code in_proj_weight}/{@code in_proj_bias};
 * {@link #fromPackedStateDict} converts such a state dict to these names.
 */
public final class MultiHeadSelfAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;

    public MultiHeadSelfAttention(int embedDim, int numHeads, boolean bias, RandomSource rng) {
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiHeadSelfAttention: embedDim (" + embedDim
                    + ") must be a positive multiple of numHeads (" + numHeads + ")");
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        // One Xavier bound for the packed [3E, E] input projection, as PyTorch draws it.
        Tensor packed = Init.xavierUniform(rng, 1.0, 3 * embedDim, embedDim);
        this.qProj = registerModule("q_proj", new Linear(packed.slice(0, 0, embedDim), bias ? Init.zeros(embedDim) : null));
        this.kProj = registerModule("k_proj", new Linear(packed.slice(0, embedDim, 2 * embedDim), bias ? Init.zeros(embedDim) : null));
        this.vProj = registerModule("v_proj", new Linear(packed.slice(0, 2 * embedDim, 3 * embedDim), bias ? Init.zeros(embedDim) : null));
        this.outProj = registerModule("out_proj", new Linear(Init.defaultWeight(rng, embedDim, embedDim), bias ? Init.zeros(embedDim) : null));
    }

    /** With biases. */
    public MultiHeadSelfAttention(int embedDim, int numHeads, RandomSource rng) {
        this(embedDim, numHeads, true, rng);
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.size(2) != embedDim) {
            throw new IllegalArgumentException("MultiHeadSelfAttention(" + embedDim + ", heads=" + numHeads
                    + "): expected [N, L, " + embedDim + "], got shape " + Arrays.toString(x.shape()));
        }
        int n = x.size(0);
        int len = x.size(1);
        int headDim = embedDim / numHeads;
        Tensor q = splitHeads(qProj.forward(x), n, len, headDim);
        Tensor k = splitHeads(kProj.forward(x), n, len, headDim);
        Tensor v = splitHeads(vProj.forward(x), n, len, headDim);
        // Scale q before the product, as PyTorch does, to keep the logits' magnitude down.
        Tensor scores = q.mul((float) (1.0 / Math.sqrt(headDim))).matmul(k.transpose(1, 2));
        Tensor context = scores.softmax(-1).matmul(v);
        Tensor merged = context.reshape(n, numHeads, len, headDim).permute(0, 2, 1, 3).reshape(n, len, embedDim);
        return outProj.forward(merged);
    }

    /** [N, L, E] → [N·H, L, d]. */
    private Tensor splitHeads(Tensor t, int n, int len, int headDim) {
        return t.reshape(n, len, numHeads, headDim).permute(0, 2, 1, 3).reshape(n * numHeads, len, headDim);
    }

    /**
     * Converts the entries of a PyTorch {@code nn.MultiheadAttention} state dict under
     * {@code prefix} ({@code in_proj_weight} [3E, E], {@code in_proj_bias} [3E]) into this
     * module's {@code q_proj}/{@code k_proj}/{@code v_proj} names; other entries are kept.
     */
    public static LinkedHashMap<String, Tensor> fromPackedStateDict(Map<String, Tensor> state, String prefix) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        String[] parts = {"q_proj.", "k_proj.", "v_proj."};
        state.forEach((key, t) -> {
            String suffix = key.equals(prefix + "in_proj_weight") ? "weight" : key.equals(prefix + "in_proj_bias") ? "bias" : null;
            if (suffix == null) {
                out.put(key, t);
                return;
            }
            int rows = t.size(0);
            if (rows % 3 != 0) {
                throw new IllegalArgumentException("fromPackedStateDict: '" + key + "' has " + rows + " rows, not a multiple of 3");
            }
            int e = rows / 3;
            for (int i = 0; i < 3; i++) {
                out.put(prefix + parts[i] + suffix, t.slice(0, i * e, (i + 1) * e));
            }
        });
        return out;
    }

    @Override
    protected String extraRepr() {
        return "embedDim=" + embedDim + ", heads=" + numHeads;
    }
}
