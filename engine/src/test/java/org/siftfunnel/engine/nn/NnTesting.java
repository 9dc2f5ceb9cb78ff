package org.siftfunnel.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** Shared helpers for the nn tests. */
public final class NnTesting {
    private static SafeTensors.Contents golden;

    private NnTesting() {
    }

    /** The PyTorch golden op cases, from the test resources. */
    public static synchronized SafeTensors.Contents golden() throws IOException {
        if (golden == null) {
            try {
                golden = SafeTensors.read(Path.of(NnTesting.class.getResource("/golden/ops.safetensors").toURI()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return golden;
    }

    /** One golden tensor on the reference backend. */
    public static Tensor golden(String name) throws IOException {
        return golden().require(name).toTensor(Backends.reference());
    }

    /**
     * A tensor whose elements are a seeded shuffle of {@code (i − (n−1)/2)·spacing}: every
     * value distinct and at least {@code spacing} from every other, so max and sort-like ops
     * have no ties near which a finite difference of step < spacing/2 could jump.
     */
    public static Tensor spaced(long seed, float spacing, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - (n - 1) / 2f) * spacing;
        }
        RandomSource rng = new RandomSource(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(Backends.reference(), v, shape);
    }

    /** Uniform values in [lo, hi) on the reference backend. */
    public static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(Backends.reference(), new RandomSource(seed), lo, hi, shape);
    }

    /** Same shape and every value within {@code atol + rtol·|expected|}, with the first offender in the message. */
    public static void assertClose(String what, Tensor expected, Tensor actual, float rtol, float atol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= atol + rtol * Math.abs(e[i]))) {
                assertEquals(e[i], a[i], atol + rtol * Math.abs(e[i]), what + ": element " + i);
            }
        }
    }

    /** Same shape and identical bits. */
    public static void assertBitEqual(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertArrayEquals(bits(expected.toArray()), bits(actual.toArray()), what);
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
