package org.siftfunnel.engine.estimate;

import java.util.Arrays;

import org.siftfunnel.engine.nn.ELU;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.Sigmoid;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A critic that flattens x and z per sample, concatenates them to {@code [B, Dx + Dz]} and
 * applies a network that returns {@code [B, 1]} or {@code [B]}: the usual MINE critic for
 * vector data. {@link #forward(Tensor)} takes the concatenation itself.
 */
public final class ConcatCritic extends Module implements Critic {
    private final Module network;
    private final int inputFeatures;

    /**
     * @param network       maps {@code [B, inputFeatures]} to {@code [B, 1]} or {@code [B]}
     * @param inputFeatures Dx + Dz, checked on every call
     */
    public ConcatCritic(Module network, int inputFeatures) {
        if (network == null || inputFeatures < 1) {
            throw new IllegalArgumentException("ConcatCritic: needs a network and inputFeatures ≥ 1, got " + network + ", "
                    + inputFeatures);
        }
        this.network = registerModule("net", network);
        this.inputFeatures = inputFeatures;
    }

    /**
     * An MLP {@code inputFeatures → hidden → hidden → 1} with ELU activations, optionally
     * followed by a sigmoid (a bounded critic as in the released SiftFunnel code; unbounded
     * otherwise, as MINE intends).
     */
    public static ConcatCritic mlp(int inputFeatures, int hidden, boolean sigmoid, RandomSource rng) {
        Sequential net = new Sequential(new Linear(inputFeatures, hidden, rng), new ELU(), new Linear(hidden, hidden, rng),
                new ELU(), new Linear(hidden, 1, rng));
        if (sigmoid) {
            net.add(new Sigmoid());
        }
        return new ConcatCritic(net, inputFeatures);
    }

    @Override
    public Tensor scores(Tensor x, Tensor z) {
        if (x.rank() < 1 || z.rank() < 1 || x.size(0) != z.size(0)) {
            throw new IllegalArgumentException("ConcatCritic: x and z need the same batch size on axis 0, got shapes "
                    + Arrays.toString(x.shape()) + " and " + Arrays.toString(z.shape()));
        }
        int b = x.size(0);
        return forward(Tensor.concat(1, x.reshape(b, x.numel() / b), z.reshape(b, z.numel() / b)));
    }

    /** Scores a concatenated batch {@code [B, Dx + Dz]}; returns {@code [B]}. */
    @Override
    public Tensor forward(Tensor joined) {
        if (joined.rank() != 2 || joined.size(1) != inputFeatures) {
            throw new IllegalArgumentException("ConcatCritic: expected [B, " + inputFeatures + "] (x and z flattened and"
                    + " concatenated), got " + Arrays.toString(joined.shape()));
        }
        Tensor out = network.forward(joined);
        int b = joined.size(0);
        if (out.numel() != b) {
            throw new IllegalArgumentException("ConcatCritic: the network must return one score per sample ([" + b
                    + ", 1] or [" + b + "]), got " + Arrays.toString(out.shape()));
        }
        return out.reshape(b);
    }

    @Override
    protected String extraRepr() {
        return "in=" + inputFeatures;
    }
}
