package org.siftfunnel.model.attack;

/**
 * The knobs an evaluation run sets for every attack it builds through {@link Attacks#create};
 * 0 (or null) keeps each attack's own default.
 *
 * @param decoderEpochs       epochs of the black-box decoders (default 100; adaptive 200)
 * @param selectionRule       checkpoint rule of the decoders (default: the paper's private-train rule)
 * @param selectionLimit      at most this many selection images per epoch (default: all)
 * @param inversionIterations iterations of the white-box and shadow inversions (defaults: paper 500, tuned 1000)
 * @param shadowEpochs        epochs of the shadow edge's training (default 20)
 * @param sweepImages         auxiliary images each TV-weight candidate of the white-box and shadow
 *                            inversions is tried on (default 8); an evaluation with a small time
 *                            budget lowers it, since each candidate costs a full inversion
 */
public record AttackOptions(int decoderEpochs, SelectionRule selectionRule, int selectionLimit, int inversionIterations,
        int shadowEpochs, int sweepImages) {

    /** Every attack's own defaults. */
    public static final AttackOptions DEFAULTS = new AttackOptions(0, null, 0, 0, 0, 0);

    public AttackOptions {
        if (decoderEpochs < 0 || selectionLimit < 0 || inversionIterations < 0 || shadowEpochs < 0 || sweepImages < 0) {
            throw new IllegalArgumentException("attack options: counts must be ≥ 0 (0 = default), got epochs " + decoderEpochs
                    + ", selection limit " + selectionLimit + ", iterations " + inversionIterations + ", shadow epochs "
                    + shadowEpochs + ", sweep images " + sweepImages);
        }
    }

    /** With each attack's own number of TV-sweep images. */
    public AttackOptions(int decoderEpochs, SelectionRule selectionRule, int selectionLimit, int inversionIterations,
            int shadowEpochs) {
        this(decoderEpochs, selectionRule, selectionLimit, inversionIterations, shadowEpochs, 0);
    }

    DecoderSettings apply(DecoderSettings s) {
        DecoderSettings out = decoderEpochs > 0 ? s.withEpochs(decoderEpochs) : s;
        out = selectionRule != null ? out.withSelectionRule(selectionRule) : out;
        return selectionLimit > 0 ? out.withSelectionLimit(selectionLimit) : out;
    }

    InversionSettings apply(InversionSettings s) {
        InversionSettings out = inversionIterations > 0 ? s.withIterations(inversionIterations) : s;
        return sweepImages > 0 ? out.withSweepImages(sweepImages) : out;
    }

    ShadowSettings apply(ShadowSettings s) {
        ShadowSettings out = shadowEpochs > 0 ? s.withEpochs(shadowEpochs) : s;
        return out.withInversion(apply(out.inversion()));
    }
}
