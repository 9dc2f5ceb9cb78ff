package org.siftfunnel.engine.nn;

import java.util.List;
import java.util.Objects;

import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Inverted dropout: in training mode each element is zeroed with probability p and the rest
 * are scaled by 1/(1 − p); in evaluation mode the input passes through unchanged. Masks are
 * drawn from the given {@link RandomSource}, whose counter reservation is thread-safe.
 */
public final class Dropout extends Module {
    private final float p;
    private final RandomSource rng;

    public Dropout(float p, RandomSource rng) {
        Layers.checkProbability("Dropout", p);
        this.p = p;
        this.rng = Objects.requireNonNull(rng, "Dropout: rng");
    }

    /** With its own generator seeded by {@code seed}. */
    public Dropout(float p, long seed) {
        this(p, new RandomSource(seed));
    }

    public float p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.dropout(p, isTraining(), rng);
    }

    @Override
    protected List<RandomSource> ownRandomSources() {
        return List.of(rng);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
