package org.siftfunnel.engine.backend;

import java.util.Arrays;

/**
 * A backend under test side by side with the reference backend: the same host data is
 * uploaded to both, the same kernel call runs on both, and the results are compared.
 *
 * <pre>{@code
 * Twin out = pair.filled(n, Float.NaN);
 * pair.run((b, s) -> b.unary(op, s.of(x), s.of(out), n, 0, 0));
 * pair.assertClose("unary " + op, out);
 * }</pre>
 */
public final class BackendPair {
    private final Backend reference;
    private final Backend tested;
    private final double tolerance;

    /** @param tolerance allowed {@code max|tested − reference| / (1 + max|reference|)} of an output */
    public BackendPair(Backend reference, Backend tested, double tolerance) {
        this.reference = reference;
        this.tested = tested;
        this.tolerance = tolerance;
    }

    public Backend reference() {
        return reference;
    }

    public Backend tested() {
        return tested;
    }

    /** One logical buffer: its copy on the reference backend and on the tested one. */
    public record Twin(DeviceBuffer ref, DeviceBuffer dut, int size) {
    }

    /** Which copy of a twin a kernel call should use. */
    public enum Side {
        REFERENCE, TESTED;

        /** This side's buffer of {@code t}, or null for a null twin (an optional argument). */
        public DeviceBuffer of(Twin t) {
            return t == null ? null : this == REFERENCE ? t.ref() : t.dut();
        }
    }

    /** A kernel call written once and run on each backend with that backend's buffers. */
    @FunctionalInterface
    public interface Call {
        void run(Backend backend, Side side);
    }

    public Twin upload(float[] data) {
        return new Twin(reference.upload(data), tested.upload(data), data.length);
    }

    /** A twin of {@code n} copies of {@code value}; NaN marks outputs that must be overwritten. */
    public Twin filled(int n, float value) {
        float[] d = new float[n];
        Arrays.fill(d, value);
        return upload(d);
    }

    public void run(Call call) {
        call.run(reference, Side.REFERENCE);
        call.run(tested, Side.TESTED);
    }

    public float[] referenceValues(Twin t) {
        reference.synchronize();
        float[] out = new float[t.size()];
        reference.download(t.ref(), 0, out, 0, t.size());
        return out;
    }

    public float[] testedValues(Twin t) {
        tested.synchronize();
        float[] out = new float[t.size()];
        tested.download(t.dut(), 0, out, 0, t.size());
        return out;
    }

    /** Fails unless the tested copy matches the reference within the pair's tolerance. */
    public void assertClose(String what, Twin t) {
        assertClose(what, t, tolerance);
    }

    /**
     * Fails unless {@code max|tested − reference| ≤ tol · (1 + max|reference|)}; NaN must meet
     * NaN and an infinity the same infinity.
     */
    public void assertClose(String what, Twin t, double tol) {
        float[] want = referenceValues(t);
        float[] got = testedValues(t);
        double scale = 0;
        for (float v : want) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double allowed = tol * (1 + scale);
        for (int i = 0; i < want.length; i++) {
            boolean ok;
            if (Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
                ok = Float.compare(want[i], got[i]) == 0;
            } else {
                ok = Math.abs((double) got[i] - want[i]) <= allowed;
            }
            if (!ok) {
                throw new AssertionError(String.format(
                        "%s on %s: element %d of %d is %.9g, reference %.9g (allowed error %.3g = %.1g·(1 + %.4g))",
                        what, tested.name(), i, want.length, got[i], want[i], allowed, tol, scale));
            }
        }
    }

    /** Fails unless every element has exactly the reference's bits (random fills, indices). */
    public void assertBitIdentical(String what, Twin t) {
        float[] want = referenceValues(t);
        float[] got = testedValues(t);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(String.format("%s on %s: element %d of %d is %s, reference %s (must be bit-identical)",
                        what, tested.name(), i, want.length, got[i], want[i]));
            }
        }
    }
}
