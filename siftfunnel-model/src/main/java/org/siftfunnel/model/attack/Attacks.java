package org.siftfunnel.model.attack;

import java.util.List;
import java.util.Locale;

/** The registry of attacks by name. */
public final class Attacks {
    /** Every name {@link #create} accepts, in the order an evaluation reports them. */
    public static final List<String> NAMES = List.of("blackbox", "whitebox-paper", "whitebox", "shadow", "adaptive-blackbox",
            "adaptive-whitebox");

    private Attacks() {
    }

    /** The attack with its default settings. */
    public static Attack create(String name) {
        return create(name, AttackOptions.DEFAULTS);
    }

    /**
     * The attack {@code name} with {@code options} applied over its defaults.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Attack create(String name, AttackOptions options) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "blackbox" -> DecoderAttack.blackbox(options.apply(DecoderSettings.paper()));
            case "adaptive-blackbox" -> DecoderAttack.adaptive(options.apply(DecoderAttack.adaptiveSettings()));
            case "whitebox-paper" -> WhiteBoxAttack.paper(options.apply(InversionSettings.paper()));
            case "whitebox" -> WhiteBoxAttack.tuned(options.apply(InversionSettings.tuned()));
            case "adaptive-whitebox" -> WhiteBoxAttack.adaptive(options.apply(InversionSettings.adaptive()));
            case "shadow" -> new ShadowAttack(options.apply(ShadowSettings.tuned()));
            default -> throw new IllegalArgumentException("unknown attack '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
