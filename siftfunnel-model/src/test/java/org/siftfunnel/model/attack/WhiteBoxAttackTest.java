package org.siftfunnel.model.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.Classifier4;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Dataset;

class WhiteBoxAttackTest {
    private static Dataset aux;
    private static Dataset test;

    @BeforeAll
    static void data() {
        aux = AttackFixtures.sample(AttackFixtures.bundled().auxiliary(), 16, 11);
        test = AttackFixtures.sample(AttackFixtures.bundled().test(), 4, 12);
    }

    private static double mse(Tensor a, Tensor b) {
        return a.sub(b).square().mean().item();
    }

    @Test
    void identityLikeEdgeIsInvertedAlmostExactly() {
        // a fixed random 3×3 convolution 1→4 without pooling loses nothing: the optimiser must find x
        SplitModel victim = AttackFixtures.convEdgeVictim(21);
        AttackContext ctx = AttackFixtures.context(victim, aux, null, null, 22);
        InversionSettings s = InversionSettings.tuned().withTvWeights(List.of(0f)).withIterations(300);
        AttackResult r = VictimReconstruction.run("whitebox", WhiteBoxAttack.tuned(s).prepare(ctx), ctx, test, 4);
        double mse = mse(r.reconstructions(), r.targets());
        assertTrue(mse < 1e-3, "white-box inversion of a conv edge should be almost exact, MSE " + mse);
    }

    @Test
    void tunedWhiteBoxReconstructsTheUndefendedCnn() {
        SplitModel victim = Architectures.create("cnn", "none", 1, AttackFixtures.SIZE, 10, new RandomSource(3)).eval();
        AttackContext ctx = AttackFixtures.context(victim, aux, null, null, 5);
        InversionSettings s = InversionSettings.tuned().withIterations(300).withTvWeights(List.of(0f, 1e-3f)).withSweepImages(2);
        PreparedAttack prepared = WhiteBoxAttack.tuned(s).prepare(ctx);
        AttackResult r = VictimReconstruction.run("whitebox", prepared, ctx, test, 4);
        double mse = mse(r.reconstructions(), r.targets());
        double grey = mse(Tensor.full(Backends.getDefault(), 0.5f, r.targets().shape()), r.targets());
        assertTrue(mse < 0.01 && mse < 0.1 * grey, "tuned white-box on the undefended CNN: MSE " + mse + " (grey image " + grey + ")");

        // the TV weight is the one with the lowest MSE on the auxiliary images
        Map<String, Object> meta = prepared.metadata();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sweep = (List<Map<String, Object>>) meta.get("tv_sweep");
        assertEquals(2, sweep.size());
        Map<String, Object> best = sweep.get(0);
        for (Map<String, Object> row : sweep) {
            if (((Number) row.get("aux_mse")).doubleValue() < ((Number) best.get("aux_mse")).doubleValue()) {
                best = row;
            }
        }
        assertEquals(((Number) best.get("tv_weight")).doubleValue(), ((Number) meta.get("tv_weight")).doubleValue());
        assertTrue(((String) meta.get("tv_weight_rule")).contains("2 auxiliary images"));
        assertTrue(Json.write(r.metadata()).contains("\"last_curve\""), "metadata must be JSON-ready");
    }

    @Test
    void aStoppedInversionGoesOnFromItsSnapshotsWithExactlyTheSameNumbers() {
        // Two TV candidates and two victim batches of 6 iterations each, against a noisy defense
        // whose stream the store keeps. With a snapshot after every iteration (and one for every
        // finished candidate and batch) the saves are: candidate 1: 1–6, candidate 2: 7–12,
        // batch 1: 13–18, batch 2: 19–24. Stopping at 3 (inside candidate 1), 9 (inside
        // candidate 2), 12 (candidate 2 just done), 15 (inside batch 1) and 21 (inside batch 2)
        // must all end as the run that never stopped.
        SplitModel victim = Architectures.create("cnn", "none", 1, AttackFixtures.SIZE, 10, new RandomSource(3)).eval();
        InversionSettings s = InversionSettings.tuned().withIterations(6).withTvWeights(List.of(0f, 1e-2f)).withSweepImages(2)
                .withBatchSize(2);
        WhiteBoxAttack attack = WhiteBoxAttack.tuned(s);
        Dataset victims = test.subset(new int[] {0, 1, 2, 3}, "victims", "four test images");

        RandomSource straightNoise = new RandomSource(8);
        AttackContext straightContext = AttackFixtures.context(victim, aux, null, noise(straightNoise), 5);
        AttackResult straight = VictimReconstruction.run("whitebox", attack.prepare(straightContext), straightContext, victims, 4);

        for (int stopAfter : new int[] {3, 9, 12, 15, 21}) {
            RandomSource firstNoise = new RandomSource(8);
            AttackFixtures.MemorySnapshots store = new AttackFixtures.MemorySnapshots(firstNoise, stopAfter);
            AttackContext first = AttackFixtures.context(victim, aux, null, noise(firstNoise), 5).withSnapshots(store);
            assertThrows(AttackFixtures.Stopped.class, () -> VictimReconstruction.run("whitebox", attack.prepare(first), first, victims, 4));
            RandomSource secondNoise = new RandomSource(8);
            store.resumeWith(secondNoise);
            AttackContext second = AttackFixtures.context(victim, aux, null, noise(secondNoise), 5).withSnapshots(store);
            AttackResult resumed = VictimReconstruction.run("whitebox", attack.prepare(second), second, victims, 4);
            assertTrue(store.loads > 0, "stopped after save " + stopAfter + ": something to resume");
            assertEquals(24, store.saves, "stopped after save " + stopAfter + ": every save happens once over both attempts");
            assertArrayEquals(straight.reconstructions().toArray(), resumed.reconstructions().toArray(), "stopped after save " + stopAfter);
            assertEquals(Json.write(straight.metadata()), Json.write(resumed.metadata()), "stopped after save " + stopAfter);
        }
    }

    /** Gaussian noise (σ 0.3) on z drawn from {@code rng}, as the evaluation's noise defense draws from its stage's stream. */
    private static java.util.function.UnaryOperator<Tensor> noise(RandomSource rng) {
        return z -> z.add(Tensor.randn(z.backend(), rng, 0f, 0.3f, z.shape()));
    }

    @Test
    void paperObjectiveMatchesTheReleasedFormulaOnAHandCase() {
        // x̂ = [[0, 1], [2, 4]]: TV = [((2−0)² + (4−1)²)/(1·1·2) + ((1−0)² + (4−2)²)/(1·2·1)] / 1 = 6.5 + 2.5 = 9
        Tensor x = Tensor.of(new float[] {0, 1, 2, 4}, 1, 1, 2, 2);
        Tensor f = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor z = Tensor.zeros(1, 1, 2, 2);
        // mean((f − z)²) = 30 / 4 = 7.5; 1e3·sqrt(9) = 3000
        assertEquals(3007.5f, InversionObjective.value(f, z, x, InversionSettings.FeatureLoss.MEAN_SQUARED,
                InversionSettings.TvForm.SQRT, 1e3f).item(), 1e-3f);
        assertEquals(7.5f + 2 * 9f, InversionObjective.value(f, z, x, InversionSettings.FeatureLoss.MEAN_SQUARED,
                InversionSettings.TvForm.PLAIN, 2f).item(), 1e-5f);
        // relative: per sample ‖f − z‖² / ‖z‖², averaged: sample 0 (1² + 1²)/(1 + 1) = 1, sample 1 (2²)/(2² + 0) = 1 → 1;
        // with z = (1, 1) and (2, 0) and f = (2, 2) and (0, 0)
        Tensor f2 = Tensor.of(new float[] {2, 2, 0, 0}, 2, 2);
        Tensor z2 = Tensor.of(new float[] {1, 1, 2, 0}, 2, 2);
        assertEquals(1f, InversionObjective.featureLoss(f2, z2, InversionSettings.FeatureLoss.RELATIVE).item(), 1e-6f);

        InversionSettings p = InversionSettings.paper();
        assertEquals(InversionSettings.Start.GAUSSIAN, p.start());
        assertEquals(InversionSettings.Parameterization.DIRECT, p.parameterization());
        assertEquals(InversionSettings.OptimizerKind.SGD, p.optimizer());
        assertEquals(0.01f, p.lr());
        assertEquals(0.9f, p.momentum());
        assertEquals(500, p.iterations());
        assertEquals(InversionSettings.FeatureLoss.MEAN_SQUARED, p.featureLoss());
        assertEquals(InversionSettings.TvForm.SQRT, p.tvForm());
        assertEquals(List.of(1e3f), p.tvWeights());
        assertEquals(64, p.batchSize());
    }

    @Test
    void paperInversionTakesSgdStepsFromAGaussianStart() {
        // two iterations through an identity "edge": x1 = x0 − lr·g0, x2 = x1 − lr·(0.9·g0 + g1)
        InversionSettings s = InversionSettings.paper().withIterations(2);
        Tensor z = Tensor.rand(Backends.getDefault(), new RandomSource(3), 0f, 1f, 2, 1, 4, 4);
        int[] image = {1, 4, 4};
        FeatureInversion.Result r = FeatureInversion.invert(x -> x, z, image, s, 1e3f, new RandomSource(77), AttackProgress.NONE, "t");

        Tensor x = Tensor.randn(Backends.getDefault(), new RandomSource(77), 0f, 1f, 2, 1, 4, 4);
        Tensor g0 = gradient(x, z);
        Tensor x1 = x.sub(g0.mul(0.01f));
        Tensor g1 = gradient(x1, z);
        Tensor x2 = x1.sub(g0.mul(0.9f).add(g1).mul(0.01f)).clamp(0f, 1f);
        assertTrue(r.images().allClose(x2, 1e-5f, 1e-6f), "expected " + x2 + ", got " + r.images());
        assertEquals(3, r.curve().size());
        assertEquals(objective(x, z), r.curve().get(0)[1], 1e-3);
    }

    private static double objective(Tensor x, Tensor z) {
        return InversionObjective.value(x, z, x, InversionSettings.FeatureLoss.MEAN_SQUARED, InversionSettings.TvForm.SQRT, 1e3f).item();
    }

    private static Tensor gradient(Tensor x, Tensor z) {
        Tensor v = x.copy().requiresGrad(true);
        InversionObjective.value(v, z, v, InversionSettings.FeatureLoss.MEAN_SQUARED, InversionSettings.TvForm.SQRT, 1e3f).backward();
        try (GradMode.Scope g = GradMode.noGrad()) {
            return v.grad().copy();
        }
    }

    @Test
    void whiteBoxAttacksLeaveTheEdgeUntouched() {
        SplitModel victim = new Classifier4(ArchConfig.of(1, AttackFixtures.SIZE, 10), 16, new RandomSource(31));
        victim.train();
        Map<String, Tensor> before = victim.stateDict();
        Map<String, float[]> values = new java.util.HashMap<>();
        before.forEach((k, v) -> values.put(k, v.toArray()));
        AttackContext ctx = AttackFixtures.context(victim, aux, null, null, 32);
        Tensor z = ctx.observe(Tensor.rand(Backends.getDefault(), new RandomSource(1), -1f, 1f, 2, 1, 16, 16));
        for (WhiteBoxAttack attack : List.of(
                WhiteBoxAttack.paper(InversionSettings.paper().withIterations(5)),
                WhiteBoxAttack.tuned(InversionSettings.tuned().withIterations(5).withTvWeights(List.of(0f, 1e-2f)).withSweepImages(2)),
                WhiteBoxAttack.adaptive(InversionSettings.adaptive().withIterations(5).withTvWeights(List.of(0f))))) {
            Tensor xhat = attack.prepare(ctx).reconstruct(z);
            assertArrayEquals(new int[] {2, 1, 16, 16}, xhat.shape());
            assertFalse(xhat.requiresGrad());
            for (Map.Entry<String, Tensor> p : victim.namedParameters().entrySet()) {
                assertNull(p.getValue().grad(), attack.name() + " left a gradient in " + p.getKey());
                assertTrue(p.getValue().requiresGrad(), attack.name() + " did not restore requiresGrad of " + p.getKey());
            }
            // eval mode during the attack (running statistics untouched), training mode restored after
            victim.stateDict().forEach((k, v) -> assertArrayEquals(values.get(k), v.toArray(), attack.name() + " changed " + k));
            assertTrue(victim.edge().isTraining() && victim.isTraining());
        }
    }

    @Test
    void adaptiveLossIsScaleInvariant() {
        // the same edge with its last convolution scaled by 1e-3 sends features exactly 1e-3 times as large
        SplitModel plain = AttackFixtures.twoLayerVictim(41, 1f, true);
        SplitModel small = AttackFixtures.twoLayerVictim(41, 1e-3f, true);
        Dataset victims = AttackFixtures.sample(AttackFixtures.bundled().test(), 2, 42);
        AttackContext plainCtx = AttackFixtures.context(plain, aux, null, null, 43);
        AttackContext smallCtx = AttackFixtures.context(small, aux, null, null, 43);
        Tensor images = plainCtx.loader(victims, 2, false, 0).epoch(0).next().images();
        Tensor z = plainCtx.observe(images);
        Tensor zSmall = z.mul(1e-3f);
        assertTrue(smallCtx.observe(images).allClose(zSmall, 1e-4f, 1e-9f));

        InversionSettings adaptive = InversionSettings.adaptive().withIterations(60).withTvWeights(List.of(1e-2f));
        PreparedAttack a = WhiteBoxAttack.adaptive(adaptive).prepare(plainCtx);
        PreparedAttack b = WhiteBoxAttack.adaptive(adaptive).prepare(smallCtx);
        Tensor xa = a.reconstruct(z);
        Tensor xb = b.reconstruct(zSmall);
        assertTrue(xa.allClose(xb, 0f, 1e-4f), "relative loss: the scaled attack took another path");
        List<?> curveA = (List<?>) a.metadata().get("last_curve");
        List<?> curveB = (List<?>) b.metadata().get("last_curve");
        assertEquals(curveA.size(), curveB.size());
        for (int i = 0; i < curveA.size(); i++) {
            double la = ((Number) ((Map<?, ?>) curveA.get(i)).get("loss")).doubleValue();
            double lb = ((Number) ((Map<?, ?>) curveB.get(i)).get("loss")).doubleValue();
            assertEquals(la, lb, 1e-4 * Math.abs(la) + 1e-9, "objective at point " + i);
        }

        // the unnormalised MSE is not: with the same TV weight the prior dominates the tiny features
        InversionSettings tuned = InversionSettings.tuned().withIterations(60).withTvWeights(List.of(1e-2f));
        Tensor ya = WhiteBoxAttack.tuned(tuned).prepare(plainCtx).reconstruct(z);
        Tensor yb = WhiteBoxAttack.tuned(tuned).prepare(smallCtx).reconstruct(zSmall);
        assertFalse(ya.allClose(yb, 0f, 1e-2f), "mean-squared loss should depend on the feature scale");
    }

    @Test
    void settingsRejectAnInfiniteGradientStartAndBadWeights() {
        InversionSettings t = InversionSettings.tuned();
        // sqrt(TV) at the constant mid-grey start has an infinite gradient
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InversionSettings(t.start(),
                t.parameterization(), t.optimizer(), t.lr(), t.momentum(), t.amsgrad(), t.adamEps(), t.iterations(), t.featureLoss(),
                InversionSettings.TvForm.SQRT, List.of(0f, 1f), t.sweepImages(), t.batchSize()));
        assertTrue(e.getMessage().contains("infinite gradient"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.withTvWeights(List.of()));
        assertThrows(IllegalArgumentException.class, () -> t.withTvWeights(List.of(0f, -1f)));
        assertThrows(IllegalArgumentException.class, () -> t.withIterations(0));
        assertTrue(t.tvWeights().contains(0f), "the tuned sweep must include 0");
    }
}
