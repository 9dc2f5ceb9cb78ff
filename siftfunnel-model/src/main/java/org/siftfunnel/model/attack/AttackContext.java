package org.siftfunnel.model.attack;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.BatchLoader;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.data.Preprocessing;

/**
 * Everything an attack may use, by the threat model (paper spec §1):
 *
 * @param victim        the trained split model. Black-box attacks only query its edge
 *                      ({@link #observe}); white-box attacks differentiate through the edge; the
 *                      shadow attack uses the cloud. Attacks run the edge (and the cloud) in eval
 *                      mode with frozen parameters and restore the modes afterwards.
 * @param perturbation  the defense's transformation of the transmitted features (identity for
 *                      defenses that only change training), with its random source bound: what
 *                      the attacker observes is {@code perturbation(edge(x))}
 * @param auxiliary     the attacker's own labelled images, raw in [0, 1], same distribution as
 *                      the victim's, disjoint from its training set
 * @param privateTrain  the defender's training split; used only by the paper's checkpoint rule
 *                      for decoders ({@link SelectionRule#PRIVATE_TRAIN}), which favours the
 *                      attacker as the released code does
 * @param preprocessing resize and normalisation the victim's edge expects; attacks reconstruct
 *                      raw (un-normalised) images
 * @param backend       where the attack's modules and tensors live (the victim's backend)
 * @param seed          seeds every random choice of the attack (initialisations, batch orders)
 * @param progress      where long steps report progress
 * @param repeatableQueries whether {@link #observe} gives the same features for the same images
 *                      every time (the perturbation draws nothing at random), so that attacks
 *                      that query the same images epoch after epoch may keep what the attacker
 *                      observes; otherwise they keep the edge's own answers and perturb them on
 *                      every use ({@link ObservedFeatures}); false unless the caller knows
 * @param snapshots     where long steps keep their progress so that a stopped attack resumes
 *                      ({@link Snapshots#NONE} unless the caller keeps them)
 */
public record AttackContext(SplitModel victim, UnaryOperator<Tensor> perturbation, Dataset auxiliary, Dataset privateTrain,
        Preprocessing preprocessing, Backend backend, long seed, AttackProgress progress, boolean repeatableQueries,
        Snapshots snapshots) {

    /** A context whose queries are not known to be repeatable (the perturbation is applied anew on every use). */
    public AttackContext(SplitModel victim, UnaryOperator<Tensor> perturbation, Dataset auxiliary, Dataset privateTrain,
                         Preprocessing preprocessing, Backend backend, long seed, AttackProgress progress) {
        this(victim, perturbation, auxiliary, privateTrain, preprocessing, backend, seed, progress, false, Snapshots.NONE);
    }

    public AttackContext {
        Objects.requireNonNull(victim, "AttackContext: victim");
        Objects.requireNonNull(auxiliary, "AttackContext: auxiliary data");
        Objects.requireNonNull(preprocessing, "AttackContext: preprocessing");
        Objects.requireNonNull(backend, "AttackContext: backend");
        perturbation = perturbation == null ? UnaryOperator.identity() : perturbation;
        progress = progress == null ? AttackProgress.NONE : progress;
        snapshots = snapshots == null ? Snapshots.NONE : snapshots;
        int[] input = victim.config().inputShape();
        checkData("auxiliary", auxiliary, preprocessing, input, victim.name());
        if (privateTrain != null) {
            checkData("private training", privateTrain, preprocessing, input, victim.name());
        }
    }

    private static void checkData(String which, Dataset d, Preprocessing p, int[] input, String model) {
        int[] got = {p.outputChannels(d), p.outputHeight(d), p.outputWidth(d)};
        if (!Arrays.equals(got, input)) {
            throw new IllegalArgumentException("AttackContext: the " + which + " images become " + Arrays.toString(got)
                    + " after preprocessing, but " + model + " expects " + Arrays.toString(input));
        }
    }

    /** The normalisation between raw images and the edge's input. */
    public Normalization normalization() {
        return preprocessing.normalization();
    }

    /** The per-sample shape {@code [C, S, S]} of the images to reconstruct. */
    public int[] imageShape() {
        return victim.config().inputShape();
    }

    /** The per-sample shape of the transmitted features. */
    public int[] featureShape() {
        return victim.featureShape();
    }

    /**
     * A query of the edge as the attacker sees it: {@code perturbation(edge(images))} for
     * normalised images, in eval mode, without gradient.
     */
    public Tensor observe(Tensor normalisedImages) {
        return perturb(edgeOutput(normalisedImages));
    }

    /** The edge's own answer, before the defense's perturbation (eval mode, no gradient): {@code edge(images)}. */
    public Tensor edgeOutput(Tensor normalisedImages) {
        try (FrozenModule frozen = FrozenModule.freeze(victim.edge()); GradMode.Scope s = GradMode.noGrad()) {
            return victim.features(normalisedImages).detach();
        }
    }

    /**
     * The defense's perturbation of features the edge gave, without gradient:
     * {@code observe(x)} is {@code perturb(edgeOutput(x))}. A randomised defense draws anew on
     * every call.
     */
    public Tensor perturb(Tensor features) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return perturbation.apply(features).detach();
        }
    }

    /** A loader over {@code data} with this context's preprocessing and backend, seeded from the context's seed and {@code salt}. */
    public BatchLoader loader(Dataset data, int batchSize, boolean shuffle, long salt) {
        return BatchLoader.builder(data).batchSize(batchSize).shuffle(shuffle).preprocessing(preprocessing)
                .seed(derivedSeed(salt)).backend(backend).build();
    }

    /** A seed for one purpose of the attack, derived from the context's seed. */
    public long derivedSeed(long salt) {
        return Philox.draw2(seed, salt);
    }

    /** The same context with other progress reporting. */
    public AttackContext withProgress(AttackProgress p) {
        return new AttackContext(victim, perturbation, auxiliary, privateTrain, preprocessing, backend, seed, p,
                repeatableQueries, snapshots);
    }

    /** The same context, saying whether its queries are repeatable (see the record's parameters). */
    public AttackContext withRepeatableQueries(boolean repeatable) {
        return new AttackContext(victim, perturbation, auxiliary, privateTrain, preprocessing, backend, seed, progress,
                repeatable, snapshots);
    }

    /** The same context keeping its long steps' progress in {@code s}. */
    public AttackContext withSnapshots(Snapshots s) {
        return new AttackContext(victim, perturbation, auxiliary, privateTrain, preprocessing, backend, seed, progress,
                repeatableQueries, s);
    }
}
