package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Triplet attention (Misra et al.), as the paper uses it: three {@link AttentionGate}s that
 * capture the channel–width, height–channel and height–width interactions.
 * <ul>
 *   <li>{@code cw}: permute (0, 2, 1, 3), gate, permute back;</li>
 *   <li>{@code hc}: permute (0, 3, 2, 1), gate, permute back;</li>
 *   <li>{@code hw}: gate applied directly.</li>
 * </ul>
 * Output {@code 1/3 · (hw + cw + hc)}, summed in that order as the reference code does. With
 * {@code noSpatial} the {@code hw} gate is omitted and the output is {@code 1/2 · (cw + hc)}.
 */
public final class TripletAttention extends Module {
    private static final int[] SWAP_C_H = {0, 2, 1, 3};
    private static final int[] SWAP_C_W = {0, 3, 2, 1};

    private final AttentionGate cw;
    private final AttentionGate hc;
    private final AttentionGate hw;

    public TripletAttention(boolean noSpatial, RandomSource rng) {
        this.cw = registerModule("cw", new AttentionGate(rng));
        this.hc = registerModule("hc", new AttentionGate(rng));
        this.hw = noSpatial ? null : registerModule("hw", new AttentionGate(rng));
    }

    /** All three branches, as the paper. */
    public TripletAttention(RandomSource rng) {
        this(false, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        Attention.checkImage(this, x, -1);
        // Both permutations are their own inverses.
        Tensor outCw = cw.forward(x.permute(SWAP_C_H)).permute(SWAP_C_H);
        Tensor outHc = hc.forward(x.permute(SWAP_C_W)).permute(SWAP_C_W);
        if (hw == null) {
            return outCw.add(outHc).mul(0.5f);
        }
        return hw.forward(x).add(outCw).add(outHc).mul(1f / 3f);
    }

    @Override
    protected String extraRepr() {
        return hw == null ? "noSpatial" : "";
    }
}
