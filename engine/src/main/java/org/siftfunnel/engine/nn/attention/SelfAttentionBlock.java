package org.siftfunnel.engine.nn.attention;

import java.util.Arrays;

import org.siftfunnel.engine.nn.LayerNorm;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A transformer encoder block, the shape of the paper's unused {@code SelfAttention} helper
 * (multi-head attention, LayerNorm, feed-forward): post-norm as PyTorch's
 * {@code nn.TransformerEncoderLayer} (ReLU, no dropout), with its parameter names:
 * <pre>
 *   y   = norm1(x + self_attn(x))
 *   out = norm2(y + linear2(relu(linear1(y))))
 * </pre>
 * Accepts a sequence [N, L, E], or an image [N, E, H, W] whose H·W positions become the
 * tokens (the result is reshaped back to [N, E, H, W]).
 */
public final class SelfAttentionBlock extends Module {
    private final int embedDim;
    private final MultiHeadSelfAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;

    public SelfAttentionBlock(int embedDim, int numHeads, int feedForwardDim, RandomSource rng) {
        this.embedDim = embedDim;
        this.selfAttn = registerModule("self_attn", new MultiHeadSelfAttention(embedDim, numHeads, rng));
        this.linear1 = registerModule("linear1", new Linear(embedDim, feedForwardDim, rng));
        this.linear2 = registerModule("linear2", new Linear(feedForwardDim, embedDim, rng));
        this.norm1 = registerModule("norm1", new LayerNorm(embedDim));
        this.norm2 = registerModule("norm2", new LayerNorm(embedDim));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 4 && x.size(1) == embedDim) {
            int[] s = x.shape();
            Tensor tokens = x.reshape(s[0], s[1], s[2] * s[3]).transpose(1, 2);
            return forwardSequence(tokens).transpose(1, 2).reshape(s);
        }
        if (x.rank() == 3 && x.size(2) == embedDim) {
            return forwardSequence(x);
        }
        throw new IllegalArgumentException("SelfAttentionBlock(" + embedDim + "): expected [N, L, " + embedDim + "] or [N, "
                + embedDim + ", H, W], got shape " + Arrays.toString(x.shape()));
    }

    private Tensor forwardSequence(Tensor x) {
        Tensor y = norm1.forward(x.add(selfAttn.forward(x)));
        return norm2.forward(y.add(linear2.forward(linear1.forward(y).relu())));
    }

    @Override
    protected String extraRepr() {
        return "embedDim=" + embedDim;
    }
}
