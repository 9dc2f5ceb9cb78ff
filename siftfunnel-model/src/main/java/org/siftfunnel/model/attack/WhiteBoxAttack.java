package org.siftfunnel.model.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Normalization;

/**
 * The optimisation-based white-box attack (rMLE, paper spec §3.2): the attacker knows the edge's
 * architecture and weights and searches input space for x̂ with {@code f_edge(norm(x̂)) ≈ z}.
 * The edge runs in eval mode with frozen parameters; gradients flow only to x̂. The attacker
 * matches the unperturbed edge output to the observed (possibly perturbed) z: it knows the
 * weights, not the defense's noise draw.
 *
 * <ul>
 *   <li>{@code whitebox-paper}: the released settings ({@link InversionSettings#paper()});</li>
 *   <li>{@code whitebox}: tuned ({@link InversionSettings#tuned()}), TV weight chosen by
 *       {@link TvWeightChoice} on auxiliary images;</li>
 *   <li>{@code adaptive-whitebox}: the tuned attack with the scale-invariant relative feature
 *       loss ({@link InversionSettings#adaptive()}).</li>
 * </ul>
 */
public final class WhiteBoxAttack implements Attack {
    private static final long INIT_SALT = 0x7768697465L;

    private final String name;
    private final InversionSettings settings;

    public WhiteBoxAttack(String name, InversionSettings settings) {
        this.name = Objects.requireNonNull(name, "WhiteBoxAttack: name");
        this.settings = Objects.requireNonNull(settings, "WhiteBoxAttack: settings");
    }

    public static WhiteBoxAttack paper(InversionSettings s) {
        return new WhiteBoxAttack("whitebox-paper", s);
    }

    public static WhiteBoxAttack tuned(InversionSettings s) {
        return new WhiteBoxAttack("whitebox", s);
    }

    public static WhiteBoxAttack adaptive(InversionSettings s) {
        return new WhiteBoxAttack("adaptive-whitebox", s);
    }

    public InversionSettings inversionSettings() {
        return settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> settings() {
        return settings.toJson();
    }

    @Override
    public PreparedAttack prepare(AttackContext ctx) {
        SplitModel victim = ctx.victim();
        Normalization norm = ctx.normalization();
        UnaryOperator<Tensor> forward = x -> victim.features(norm.apply(x));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("attack", name);
        meta.put("settings", settings());
        meta.put("differentiated", "victim edge (" + victim.name() + "), eval mode, frozen");
        float weight;
        if (settings.tvWeights().size() == 1) {
            weight = settings.tvWeights().get(0);
            meta.put("tv_weight_rule", "fixed");
        } else {
            TvWeightChoice.Choice choice;
            try (FrozenModule f = FrozenModule.freeze(victim.edge())) {
                choice = TvWeightChoice.choose(ctx, forward, ctx::observe, settings, name);
            }
            weight = choice.weight();
            meta.put("tv_weight_rule", "lowest reconstruction MSE on " + choice.images() + " auxiliary images");
            meta.put("tv_sweep", choice.sweep());
        }
        return new PreparedInversion(name, victim.edge(), forward, ctx.imageShape(), ctx.featureShape(), settings, weight,
                ctx.derivedSeed(INIT_SALT), ctx.progress(), ctx.snapshots(), meta);
    }
}
