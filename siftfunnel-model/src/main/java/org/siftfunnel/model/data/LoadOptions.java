package org.siftfunnel.model.data;

/**
 * How {@link DataSources} fills in splits a source does not have.
 *
 * @param seed seeds every split it has to carve (the same seed gives the same split)
 * @param auxiliaryFraction share of each class of the training split that becomes the
 *     attacker's auxiliary set when the source has none (the rest stays private training data)
 * @param testFraction share of each class held out as the test split for an image folder
 *     without a {@code test/} subfolder
 */
public record LoadOptions(long seed, double auxiliaryFraction, double testFraction) {
    /** Seed 624 (the seed the paper's code uses for its FaceScrub split), 20% auxiliary, 20% test. */
    public static final LoadOptions DEFAULT = new LoadOptions(624, 0.2, 0.2);

    public LoadOptions {
        if (!(auxiliaryFraction > 0 && auxiliaryFraction < 1)) {
            throw new IllegalArgumentException("auxiliaryFraction must be in (0, 1), got " + auxiliaryFraction);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        }
    }

    public LoadOptions withSeed(long newSeed) {
        return new LoadOptions(newSeed, auxiliaryFraction, testFraction);
    }
}
