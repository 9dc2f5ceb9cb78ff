package org.siftfunnel.model.train;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendProvider;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.defense.Defense;
import org.siftfunnel.model.defense.Defenses;

/**
 * Training the SiftFunnel CNN on the OpenCL backend follows training it on the CPU backend:
 * the model the {@code siftfunnel} defense builds (the paper's CNN with its funnel), its full
 * objective, and Adam set up exactly as the trainer does, for 4 steps of 64 images from 256
 * seeded synthetic 32×32 ones, with one seed on both backends: every step's loss agrees within 1e-4
 * relative.
 *
 * <p>Both backends come through the registry (kernels-cpu and kernels-opencl are runtime
 * dependencies of this module). Without an OpenCL platform the test is skipped on a
 * developer's machine and fails in CI ({@code CI=true}), which installs PoCL.
 */
class SiftFunnelCnnOnOpenClTest {
    private static final int IMAGES = 256;
    private static final int BATCH = 64;
    /**
     * 32×32, not the smallest side the CNN takes (16): at 16×16 (spatial maps of 4×4 and 2×2 in
     * the cloud) the training is more sensitive and the backends drift apart faster. Measured in
     * session 8 with these exact steps, losses at steps 0–3: reference 8.455636, 6.483167,
     * 5.892844, 4.4384875; cpu 8.455636, 6.4831686, 5.89294, 4.4407134; OpenCL 8.455634,
     * 6.48316, 5.8907332, 4.444752. So at step 2 cpu is within 1.6e-5 of the reference and
     * OpenCL within 3.6e-4; at step 3 within 5.0e-4 and 1.4e-3: no backend is the odd one out,
     * rounding differences grow at every step, and 1e-4 only holds for two steps at 16×16 (an
     * earlier note here said the cpu backend alone differed, by 3e-2 in a gradient after the
     * first step; that did not reproduce: after one Adam step at lr 2e-4 on 64 of these images,
     * every cpu gradient tensor was within 3.6e-4 of the reference's, relative to its largest
     * entry). At 32×32 every step agrees within 1e-4.
     * Measured on the shared 2-core machine (load average 10–12): cpu backend 37–53 s,
     * PoCL 133–174 s wall.
     */
    private static final int SIZE = 32;
    private static final int CLASSES = 10;
    private static final int STEPS = 4;
    private static final long SEED = 3;
    /**
     * The trainer's first steps run at lr/10: the {@code default} profile warms up linearly from
     * lr/10 over its first epoch. Run at the full lr 0.002 from the first step instead, the loss
     * jumps from 8.8 to 41 at step 2, and in that unstable regime rounding-level differences grow
     * fast: measured, the reference backend then differs from both cpu and OpenCL by 1.7e-3
     * relative at step 3, and cpu from OpenCL by 1.0e-4. At lr/10 (the loss falls 8.8, 7.9, 6.6,
     * 4.6) cpu and OpenCL agree within 2e-6 and both within 3e-4 of the reference
     * (double accumulation).
     */
    private static final double FIRST_STEPS_LR_FACTOR = 0.1;

    /** The OpenCL backend, or a skip (a failure with CI=true) when this machine has no OpenCL. */
    private static Backend openCl() {
        BackendProvider provider = Backends.providers().stream().filter(p -> p.name().equals("opencl")).findFirst()
                .orElseThrow(() -> new AssertionError("kernels-opencl must be on the test class path (runtime dependency)"));
        String reason = provider.unavailableReason();
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but OpenCL is unavailable: " + reason);
            }
            assumeTrue(false, "skipped, OpenCL is unavailable: " + reason);
        }
        return Backends.get("opencl");
    }

    /** Greyscale images whose class decides where a bright square sits, on uniform noise. */
    private static float[][] data() {
        RandomSource rng = new RandomSource(SEED + 100);
        float[] x = new float[IMAGES * SIZE * SIZE];
        float[] y = new float[IMAGES];
        int side = SIZE / 4;
        for (int i = 0; i < IMAGES; i++) {
            int k = rng.nextInt(CLASSES);
            y[i] = k;
            int top = (k / 4) * side;
            int left = (k % 4) * side;
            for (int r = 0; r < SIZE; r++) {
                for (int c = 0; c < SIZE; c++) {
                    boolean square = r >= top && r < top + side && c >= left && c < left + side;
                    x[(i * SIZE + r) * SIZE + c] = rng.nextFloat() - 0.5f + (square ? 1.5f : 0f);
                }
            }
        }
        return new float[][] {x, y};
    }

    /** The trainer's settings for the SiftFunnel defense on the CNN (paper defaults). */
    private static TrainSettings settings() {
        TrainSettings s = TrainSettings.forProfile("default");
        s.set("arch", "cnn");
        s.set("defense", "siftfunnel");
        s.set("image-size", Integer.toString(SIZE));
        s.set("batch-size", Integer.toString(BATCH));
        s.set("seed", Long.toString(SEED));
        s.validate();
        return s;
    }

    /** The total loss of each step, as Trainer runs its first steps (at the warm-up's starting lr). */
    private static float[] losses(Backend backend, float[][] data) {
        TrainSettings s = settings();
        Defense defense = Defenses.create(s);
        SplitModel model = defense.build(s.arch, ArchConfig.of(1, SIZE, CLASSES), new RandomSource(s.seed));
        model.to(backend);
        model.train();
        Adam optimizer = new Adam(model.parameters(), Adam.Settings.of((float) FIRST_STEPS_LR_FACTOR * (float) s.lr)
                .withBetas((float) s.beta1, (float) s.beta2)
                .withWeightDecay((float) s.effectiveWeightDecay())
                .withAmsgrad(s.amsgrad));
        Tensor x = Tensor.of(backend, data[0], IMAGES, 1, SIZE, SIZE);
        Tensor y = Tensor.of(backend, data[1], IMAGES);
        float[] losses = new float[STEPS];
        for (int step = 0; step < STEPS; step++) {
            int from = step * BATCH;
            optimizer.zeroGrad();
            Defense.StepResult result = defense.trainingLoss(model, x.slice(0, from, from + BATCH), y.slice(0, from, from + BATCH));
            Tensor loss = result.terms().total();
            assertSame(backend, loss.backend(), "the loss must be computed on " + backend.name());
            loss.backward();
            optimizer.step();
            losses[step] = result.terms().totalValue();
        }
        return losses;
    }

    @Test
    void everyStepsLossOnOpenClMatchesTheCpuBackend() {
        Backend device = openCl();
        Backend cpu = Backends.get("cpu");
        float[][] data = data();
        long t0 = System.nanoTime();
        float[] want = losses(cpu, data);
        long t1 = System.nanoTime();
        float[] got = losses(device, data);
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "SiftFunnel CNN %dx%d, %d steps of %d: cpu %.1f s, opencl %.1f s (%s)%n"
                        + "losses cpu %s%nlosses opencl %s%n", SIZE, SIZE, STEPS, BATCH, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                device.description(), java.util.Arrays.toString(want), java.util.Arrays.toString(got));
        for (int step = 0; step < STEPS; step++) {
            assertTrue(Float.isFinite(want[step]), "cpu loss at step " + step + " is " + want[step]);
            double relative = Math.abs(got[step] - want[step]) / Math.abs(want[step]);
            assertTrue(relative <= 1e-4, String.format(Locale.ROOT,
                    "step %d: loss on %s %.8g, on cpu %.8g (relative difference %.2g > 1e-4)",
                    step, device.name(), got[step], want[step], relative));
        }
        // Four equal losses would mean nothing was trained and the comparison proved little.
        assertTrue(want[STEPS - 1] != want[0], "the cpu loss did not change over " + STEPS + " steps");
    }
}
