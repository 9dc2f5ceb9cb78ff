package org.siftfunnel.model.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Classifier4;
import org.siftfunnel.model.arch.SiftFunnelCnn;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.Dataset;

class DecoderAttackTest {
    private static Dataset aux;
    private static Dataset privateTrain;
    private static Dataset test;

    @BeforeAll
    static void data() {
        aux = AttackFixtures.sample(AttackFixtures.bundled().auxiliary(), 96, 1);
        privateTrain = AttackFixtures.sample(AttackFixtures.bundled().train(), 64, 2);
        test = AttackFixtures.sample(AttackFixtures.bundled().test(), 8, 3);
    }

    /** The undefended CNN with base width 16 (Z = 32 × 4 × 4): the paper's decoder design at a fraction of the cost. */
    private static SplitModel smallCnn(long seed) {
        return new Classifier4(ArchConfig.of(1, AttackFixtures.SIZE, 10), 16, new RandomSource(seed)).eval();
    }

    /** SiftFunnel's CNN with base width 32 (Z = 12 × 4 × 4). */
    private static SplitModel smallSiftFunnel(long seed) {
        return new SiftFunnelCnn(ArchConfig.of(1, AttackFixtures.SIZE, 10), 32, new RandomSource(seed)).eval();
    }

    /** An identity perturbation that counts the edge queries passing through it. */
    private static UnaryOperator<Tensor> counting(AtomicInteger queries) {
        return z -> {
            queries.incrementAndGet();
            return z;
        };
    }

    private static DecoderSettings quick(int epochs) {
        return DecoderSettings.paper().withEpochs(epochs).withBatchSize(32);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> curve(PreparedAttack p) {
        return (List<Map<String, Object>>) p.metadata().get("curve");
    }

    private static double value(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    @Test
    void blackBoxDecoderLearnsAndKeepsTheEpochWithTheLowestSelectionMse() {
        SplitModel victim = smallCnn(3);
        AtomicInteger queries = new AtomicInteger();
        UnaryOperator<Tensor> counting = counting(queries);
        AttackContext ctx = AttackFixtures.context(victim, aux, privateTrain, counting, 7);
        DecoderAttack attack = DecoderAttack.blackbox(quick(5));
        PreparedAttack prepared = attack.prepare(ctx);
        Map<String, Object> meta = prepared.metadata();
        assertEquals("blackbox", meta.get("attack"));
        assertEquals("Inversion_4", meta.get("decoder"));
        assertEquals("private-train", meta.get("selection_rule"));
        // the defense's perturbation meets every batch the decoder sees: 3 training and 1 selection batch per epoch
        assertEquals(5 * (3 + 1), queries.get());

        List<Map<String, Object>> curve = curve(prepared);
        assertEquals(5, curve.size());
        double firstTrain = value(curve.get(0), "train_mse");
        double lastTrain = value(curve.get(4), "train_mse");
        assertTrue(lastTrain < 0.7 * firstTrain, "train MSE should fall over the epochs: " + curve);
        int argmin = 0;
        for (int i = 1; i < curve.size(); i++) {
            if (value(curve.get(i), "selection_mse") < value(curve.get(argmin), "selection_mse")) {
                argmin = i;
            }
        }
        assertEquals(argmin + 1, meta.get("best_epoch"));
        double best = value(curve.get(argmin), "selection_mse");
        assertEquals(best, ((Number) meta.get("best_selection_mse")).doubleValue());
        assertTrue(best < value(curve.get(0), "selection_mse") || argmin == 0);

        // the decoder now holds the chosen epoch's weights: its selection MSE is the curve's minimum
        DecoderAttack.PreparedDecoder decoder = (DecoderAttack.PreparedDecoder) prepared;
        double again = DecoderTrainer.evaluate(decoder.decoder(), ctx, ctx.loader(privateTrain, 256, false, 0));
        assertEquals(best, again, 1e-6 * best);

        AttackResult result = VictimReconstruction.run(attack.name(), prepared, ctx, test, 5);
        assertTrue(Json.write(result.metadata()).contains("\"selection_rule\":\"private-train\""), "metadata must be JSON-ready");
        assertArrayEquals(new int[] {8, 1, 16, 16}, result.reconstructions().shape());
        assertArrayEquals(result.reconstructions().shape(), result.targets().shape());
        double mse = result.reconstructions().sub(result.targets()).square().mean().item();
        double grey = result.targets().sub(0.5f).square().mean().item();
        assertTrue(mse < grey, "the decoder should beat a grey image on victim images: " + mse + " vs " + grey);
    }

    @Test
    void repeatableQueriesRunTheEdgeOncePerImageAndTrainTheSameDecoder() {
        SplitModel victim = smallCnn(3);
        AtomicInteger queries = new AtomicInteger();
        AttackContext ctx = AttackFixtures.context(victim, aux, privateTrain, counting(queries), 7).withRepeatableQueries(true);
        DecoderAttack attack = DecoderAttack.blackbox(quick(3));
        PreparedAttack perEpoch = attack.prepare(ctx, 0);
        assertEquals(3 * (3 + 1), queries.get());
        assertEquals("every epoch", perEpoch.metadata().get("edge_queries"));

        queries.set(0);
        PreparedAttack once = attack.prepare(ctx);
        // one pass over the 96 auxiliary and one over the 64 private images, in batches of EVAL_BATCH
        assertEquals(2, queries.get());
        assertEquals("once per image", once.metadata().get("edge_queries"));
        assertSameTraining(perEpoch, once);
    }

    @Test
    void aRandomisedDefenseGetsTheSameDrawsFromCachedEdgeAnswers() {
        // Noise drawn from its own stream: cached edge answers perturbed per batch must see the
        // same draws, in the same order, as querying the edge every epoch.
        SplitModel victim = smallCnn(3);
        DecoderAttack attack = DecoderAttack.blackbox(quick(3));
        AtomicInteger perEpochDraws = new AtomicInteger();
        PreparedAttack perEpoch = attack.prepare(AttackFixtures.context(victim, aux, privateTrain, noise(perEpochDraws), 7), 0);
        AtomicInteger cachedDraws = new AtomicInteger();
        PreparedAttack cached = attack.prepare(AttackFixtures.context(victim, aux, privateTrain, noise(cachedDraws), 7));
        assertEquals("every epoch", perEpoch.metadata().get("edge_queries"));
        assertEquals("once per image, the defense's random perturbation drawn anew for every batch", cached.metadata().get("edge_queries"));
        assertEquals(3 * (3 + 1), perEpochDraws.get());
        assertEquals(perEpochDraws.get(), cachedDraws.get(), "a fresh draw for every batch, as before");
        assertSameTraining(perEpoch, cached);
    }

    @Test
    void aStoppedTrainingGoesOnFromItsSnapshotWithExactlyTheSameNumbers() {
        // With these settings epoch 2 does not improve on epoch 1 (selection MSE 0.1740 against
        // 0.1731), so the plateau schedule halves the rate for epoch 3 and a 2-epoch training
        // keeps epoch 1: stopping after epoch 1 tests that both the schedule's and the
        // selector's state come back, not only the weights and the optimiser.
        List<Map<String, Object>> curve = assertResumesExactly(5, 1);
        assertTrue(curve.stream().map(r -> r.get("lr")).distinct().count() > 1, "the plateau schedule should have changed the rate: " + curve);
        assertResumesExactly(2, 1);
        assertResumesExactly(5, 3);
    }

    /**
     * Trains the adaptive design (standardisation statistics, batch-norm buffers) for
     * {@code epochs} against a randomised defense whose stream the snapshot store keeps, once
     * straight and once stopped after the {@code stopAfter}-th snapshot (one per epoch) and
     * started again; the two must agree bit for bit. Returns the curve.
     */
    private static List<Map<String, Object>> assertResumesExactly(int epochs, int stopAfter) {
        SplitModel victim = smallCnn(3);
        DecoderSettings s = new DecoderSettings(epochs, 0.05f, 0.5f, 0.999f, true, 32, true, 0.5f, 0, SelectionRule.PRIVATE_TRAIN, 0,
                0.1);
        DecoderAttack attack = new DecoderAttack("adaptive-blackbox", DecoderAttack.Design.ADAPTIVE, s, 8);

        RandomSource straightNoise = new RandomSource(11);
        AttackFixtures.MemorySnapshots never = new AttackFixtures.MemorySnapshots(straightNoise, Integer.MAX_VALUE);
        AttackContext straightContext = AttackFixtures.context(victim, aux, privateTrain, noise(straightNoise), 7).withSnapshots(never);
        PreparedAttack straight = attack.prepare(straightContext);
        assertEquals(0, never.saves, "a store that is never due saves nothing");
        AttackResult straightResult = VictimReconstruction.run(attack.name(), straight, straightContext, test, 5);

        RandomSource firstNoise = new RandomSource(11);
        AttackFixtures.MemorySnapshots store = new AttackFixtures.MemorySnapshots(firstNoise, stopAfter);
        AttackContext first = AttackFixtures.context(victim, aux, privateTrain, noise(firstNoise), 7).withSnapshots(store);
        assertThrows(AttackFixtures.Stopped.class, () -> attack.prepare(first));
        assertEquals("epoch " + stopAfter + "/" + epochs, store.saved(DecoderTrainer.SNAPSHOT).values().get("resume_point"));

        // A second attempt as in a fresh process: a new copy of the victim and a new stream at its
        // start, which the store puts back where the snapshot left it.
        RandomSource secondNoise = new RandomSource(11);
        store.resumeWith(secondNoise);
        AttackContext second = AttackFixtures.context(smallCnn(3), aux, privateTrain, noise(secondNoise), 7).withSnapshots(store);
        PreparedAttack resumed = attack.prepare(second);
        assertEquals(1, store.loads);
        assertEquals(epochs - 1, store.saves, "one snapshot per epoch but the last, over both attempts");
        assertEquals(curve(straight), curve(resumed), "every epoch's record, bit for bit");
        assertEquals(straight.metadata().get("best_epoch"), resumed.metadata().get("best_epoch"));
        AttackResult resumedResult = VictimReconstruction.run(attack.name(), resumed, second, test, 5);
        assertArrayEquals(straightResult.reconstructions().toArray(), resumedResult.reconstructions().toArray(),
                "the reconstructions after the training, drawing on from the same stream position");
        return curve(straight);
    }

    /** Gaussian noise (σ 0.5) drawn from {@code rng}, as the evaluation's noise defense draws from its stage's stream. */
    private static UnaryOperator<Tensor> noise(RandomSource rng) {
        return z -> z.add(Tensor.randn(z.backend(), rng, 0f, 0.5f, z.shape()));
    }

    /** Gaussian noise (σ 0.5) from a stream seeded alike for every call of this factory; counts its draws. */
    private static UnaryOperator<Tensor> noise(AtomicInteger draws) {
        java.util.Random r = new java.util.Random(42);
        return z -> {
            draws.incrementAndGet();
            float[] v = z.toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.5f * (float) r.nextGaussian();
            }
            return Tensor.of(z.backend(), v, z.shape());
        };
    }

    private static void assertSameTraining(PreparedAttack x, PreparedAttack y) {
        List<Map<String, Object>> a = curve(x);
        List<Map<String, Object>> b = curve(y);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            for (String key : List.of("train_mse", "selection_mse")) {
                double u = value(a.get(i), key);
                double v = value(b.get(i), key);
                assertEquals(u, v, 1e-5 * u, "epoch " + (i + 1) + " " + key + ": per-epoch queries " + u + ", cached " + v);
            }
        }
        assertEquals(x.metadata().get("best_epoch"), y.metadata().get("best_epoch"));
    }

    @Test
    void observedFeaturesAreTheEdgesAnswersGatheredInBatchOrder() {
        SplitModel victim = smallSiftFunnel(5);
        AttackContext ctx = AttackFixtures.context(victim, aux, privateTrain, null, 11).withRepeatableQueries(true);
        ObservedFeatures cache = ObservedFeatures.of(ctx, aux, ObservedFeatures.MAX_BYTES, "test");
        int batches = 0;
        try (var stream = ctx.loader(aux, 32, true, 99).epoch(1)) {
            while (stream.hasNext()) {
                var batch = stream.next();
                float[] cached = cache.of(batch).toArray();
                float[] asked = ctx.observe(batch.images()).toArray();
                assertArrayEquals(ctx.observe(batch.images()).shape(), cache.of(batch).shape());
                assertArrayEquals(asked, cached, 1e-5f, "batch " + batches + " of a shuffled loader");
                batches++;
            }
        }
        assertEquals(3, batches);
    }

    @Test
    void oversizedFeaturesAreNotCached() {
        SplitModel victim = smallCnn(3);
        AttackContext random = AttackFixtures.context(victim, aux, privateTrain, null, 7);
        long bytes = (long) aux.size() * 32 * 4 * 4 * Float.BYTES;
        for (AttackContext ctx : List.of(random, random.withRepeatableQueries(true))) {
            assertEquals(null, ObservedFeatures.of(ctx, aux, bytes - 1, "test"), "one byte over the budget");
            ObservedFeatures cache = ObservedFeatures.of(ctx, aux, bytes, "test");
            assertTrue(cache != null, "exactly the budget");
            assertEquals(!ctx.repeatableQueries(), cache.perturbsPerBatch(), "a randomised defense is perturbed per batch");
        }
    }

    @Test
    void auxHoldoutRuleSelectsOnHeldOutAuxiliaryImages() {
        SplitModel victim = smallSiftFunnel(4);
        AttackContext ctx = AttackFixtures.context(victim, aux, null, null, 8);
        PreparedAttack p = DecoderAttack.blackbox(quick(2).withSelectionRule(SelectionRule.AUX_HOLDOUT).withHoldoutFraction(0.25))
                .prepare(ctx);
        Map<String, Object> meta = p.metadata();
        assertEquals("pv4_Inversion_4", meta.get("decoder"));
        assertEquals("aux-holdout", meta.get("selection_rule"));
        // a class-stratified quarter of the 96 auxiliary images (rounded per class) is held out
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) of 96\\)").matcher((String) meta.get("selection_data"));
        assertTrue(m.find(), (String) meta.get("selection_data"));
        int held = Integer.parseInt(m.group(1));
        assertTrue(held >= 20 && held <= 28, "held out " + held);
        assertEquals(96 - held, meta.get("train_images"));
        assertEquals(2, curve(p).size());
    }

    @Test
    void paperRuleNeedsThePrivateTrainingSplit() {
        SplitModel victim = smallCnn(3);
        AttackContext ctx = AttackFixtures.context(victim, aux, null, null, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderAttack.blackbox(quick(1)).prepare(ctx));
        assertTrue(e.getMessage().contains("private training split"), e.getMessage());
    }

    @Test
    void adaptiveDecoderStandardisesTheFeaturesAndLearns() {
        SplitModel victim = smallSiftFunnel(4);
        AttackContext ctx = AttackFixtures.context(victim, aux, privateTrain, null, 9);
        DecoderAttack attack = new DecoderAttack("adaptive-blackbox", DecoderAttack.Design.ADAPTIVE,
                DecoderAttack.adaptiveSettings().withEpochs(3).withBatchSize(32), 32);
        PreparedAttack p = attack.prepare(ctx);
        Map<String, Object> meta = p.metadata();
        assertEquals("adaptive-blackbox", meta.get("attack"));
        assertEquals("adaptive", meta.get("decoder"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) meta.get("standardization");
        assertEquals(12, ((List<?>) stats.get("mean")).size());
        List<Map<String, Object>> curve = curve(p);
        assertTrue(value(curve.get(2), "train_mse") < value(curve.get(0), "train_mse"), "adaptive decoder should learn: " + curve);
        Tensor z = ctx.observe(Tensor.zeros(2, 1, 16, 16));
        assertArrayEquals(new int[] {2, 1, 16, 16}, p.reconstruct(z).shape());
        assertThrows(IllegalArgumentException.class, () -> p.reconstruct(Tensor.zeros(2, 12, 8, 8)));
    }
}
