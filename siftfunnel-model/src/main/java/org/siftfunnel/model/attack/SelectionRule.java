package org.siftfunnel.model.attack;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which data picks a trained decoder's checkpoint (the epoch whose weights are kept): decoders
 * with BatchNorm swing in eval mode from epoch to epoch (spec §10.8), so the rule matters and
 * is recorded with every result.
 */
public enum SelectionRule {
    /**
     * The paper's rule: lowest MSE on the defender's private training split. The attacker does
     * not have those images, so this favours the attacker (an upper bound on its strength).
     */
    PRIVATE_TRAIN("private-train"),
    /** A rule the attacker can follow: lowest MSE on a held-out part of its auxiliary data. */
    AUX_HOLDOUT("aux-holdout");

    private final String label;

    SelectionRule(String label) {
        this.label = label;
    }

    /** The name used in results and on the command line. */
    public String label() {
        return label;
    }

    /** The rule with this label ({@code private-train} or {@code aux-holdout}), case-insensitive. */
    public static SelectionRule fromLabel(String label) {
        String l = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        for (SelectionRule r : values()) {
            if (r.label.equals(l)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown checkpoint selection rule '" + label + "'; expected one of "
                + Arrays.stream(values()).map(SelectionRule::label).toList());
    }
}
