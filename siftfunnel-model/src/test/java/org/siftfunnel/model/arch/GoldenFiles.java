package org.siftfunnel.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;

import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.tensor.Tensor;

/** Loads the PyTorch golden SiftFunnel CNN file from the test resources and compares tensors with it. */
public final class GoldenFiles {
    /** The tolerance: max|got − expected| ≤ 1e-4·(1 + max|expected|). */
    public static final double RELATIVE_TOLERANCE = 1e-4;

    /**
     * The bound is about 1e-4 absolute for tensors with entries below 1 (Z, the L1 term,
     * many gradients), which would let a 1% error through on a tensor of scale 0.01. So tensors
     * whose scale is above rounding noise must also meet max|got − expected| ≤ 1e-3·max|expected|
     * (PyTorch vs this engine reach about 1e-4 of the scale in the worst gradient).
     */
    public static final double SCALE_TOLERANCE = 1e-3;

    /**
     * Below this scale a tensor is rounding noise around an exact zero (e.g. the gradient of a
     * convolution bias followed by BatchNorm), and only the bound applies.
     */
    public static final double NOISE_SCALE = 1e-4;

    private static SafeTensors.Contents cnn;

    private GoldenFiles() {
    }

    /** {@code golden/siftfunnel_cnn.safetensors} from the test class path. */
    public static synchronized SafeTensors.Contents siftFunnelCnn() throws IOException {
        if (cnn == null) {
            URL url = GoldenFiles.class.getResource("/golden/siftfunnel_cnn.safetensors");
            if (url == null) {
                throw new IOException("golden/siftfunnel_cnn.safetensors is missing from the test resources");
            }
            try {
                cnn = SafeTensors.read(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return cnn;
    }

    /**
     * Asserts that {@code got} has {@code expected}'s shape and that the largest absolute
     * difference is within {@link #RELATIVE_TOLERANCE}·(1 + max|expected|), and within
     * {@link #SCALE_TOLERANCE}·max|expected| unless max|expected| is below {@link #NOISE_SCALE}.
     */
    public static void assertClose(String name, float[] expected, int[] expectedShape, Tensor got) {
        assertArrayEquals(expectedShape, got.shape(), name + ": shape");
        float[] g = got.toArray();
        double maxAbs = 0;
        for (float e : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) g[i] - expected[i]);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            if (d > worst) {
                worst = d;
                worstAt = i;
            }
        }
        double bound = RELATIVE_TOLERANCE * (1 + maxAbs);
        if (maxAbs >= NOISE_SCALE) {
            bound = Math.min(bound, SCALE_TOLERANCE * maxAbs);
        }
        if (worst > bound) {
            fail(name + ": max |got − expected| = " + worst + " at element " + worstAt + " (got " + g[worstAt] + ", expected "
                    + expected[worstAt] + ") exceeds " + bound + "; shape " + Arrays.toString(expectedShape));
        }
    }
}
