package org.siftfunnel.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.AdamConfig;
import org.siftfunnel.engine.backend.BackendPair;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;

/**
 * The kernels built without double precision, as on devices that lack cl_khr_fp64: Box–Muller
 * in float (with cospi) must still match the reference's normal draws within 1e-6, and Adam's
 * bias correction in float must stay within the usual tolerance.
 */
class OpenClWithoutFp64Test {
    private static OpenClBackend floatOnly;

    @BeforeAll
    static void build() {
        OpenClBackend usual = OpenClTestSupport.backend();
        floatOnly = new OpenClBackend(usual.device(), false, Long.MAX_VALUE);
        assertFalse(floatOnly.usesFp64(), "the float-only backend must not use doubles");
        assertEquals(usual.device().fp64(), usual.usesFp64(), "the usual backend uses doubles exactly when the device has them");
    }

    @Test
    void normalDrawsMatchWithin1e6() {
        BackendPair pair = new BackendPair(new ReferenceBackend(), floatOnly, 1e-5);
        long[][] streams = {{0, 0}, {42, 17}, {-1, 1000}, {0x1234_5678_9ABC_DEF0L, (1L << 32) - 5}, {7, 3L << 33}};
        for (long[] st : streams) {
            int n = 4099;
            Twin out = pair.filled(n, Float.NaN);
            pair.run((b, s) -> b.randomNormal(s.of(out), n, st[0], st[1], 0.5f, 2f));
            float[] want = pair.referenceValues(out);
            float[] got = pair.testedValues(out);
            for (int i = 0; i < n; i++) {
                double err = Math.abs(got[i] - want[i]);
                assertTrue(err <= 1e-6 * Math.max(1, Math.abs(want[i])), "randomNormal seed " + st[0] + " offset " + st[1]
                        + " element " + i + ": " + got[i] + " vs reference " + want[i]);
            }
            Twin u = pair.filled(n, Float.NaN);
            pair.run((b, s) -> b.randomUniform(s.of(u), n, st[0], st[1], -2f, 3f));
            pair.assertBitIdentical("randomUniform without fp64", u);
        }
    }

    @Test
    void adamStepsMatch() {
        BackendPair pair = new BackendPair(new ReferenceBackend(), floatOnly, 1e-5);
        int n = 1031;
        SplittableRandom r = new SplittableRandom(3);
        float[] p0 = new float[n];
        for (int i = 0; i < n; i++) {
            p0[i] = (float) r.nextDouble(-1, 1);
        }
        Twin p = pair.upload(p0);
        Twin m = pair.filled(n, 0f);
        Twin v = pair.filled(n, 0f);
        Twin vMax = pair.filled(n, 0f);
        for (long step = 1; step <= 5; step++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
            Twin grad = pair.upload(g);
            AdamConfig cfg = new AdamConfig(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, true, true, step);
            pair.run((b, s) -> b.adamStep(s.of(p), s.of(grad), s.of(m), s.of(v), s.of(vMax), n, cfg));
            pair.assertClose("adam without fp64, step " + step + " param", p);
            pair.assertClose("adam without fp64, step " + step + " vMax", vMax);
        }
    }
}
