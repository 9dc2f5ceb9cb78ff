package org.siftfunnel.model.data;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A synthetic, linearly non-trivial image task that needs no files: class k of four is a
 * bright bar near the top, bottom, left or right edge, jittered, on uniform noise. Used by
 * smoke tests and as a fallback demo; the real demo data is the bundled Fashion-MNIST subset.
 */
public final class SyntheticBars {
    public static final int CLASSES = 4;

    private SyntheticBars() {
    }

    /** Returns {images [n, 1, size, size], labels [n]} (labels as float class indices). */
    public static Tensor[] generate(Backend backend, int n, int size, long seed) {
        if (n < 1 || size < 6) {
            throw new IllegalArgumentException("SyntheticBars: need n ≥ 1 and size ≥ 6, got n=" + n + ", size=" + size);
        }
        RandomSource rng = new RandomSource(seed);
        float[] x = new float[n * size * size];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(CLASSES);
            y[i] = k;
            int offset = 1 + rng.nextInt(Math.max(1, size / 4));
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    float v = 1.6f * (rng.nextFloat() - 0.5f);
                    boolean bar = switch (k) {
                        case 0 -> r == offset;
                        case 1 -> r == size - 1 - offset;
                        case 2 -> c == offset;
                        default -> c == size - 1 - offset;
                    };
                    x[(i * size + r) * size + c] = bar ? v + 1f : v;
                }
            }
        }
        return new Tensor[] {Tensor.of(backend, x, n, 1, size, size), Tensor.of(backend, y, n)};
    }
}
