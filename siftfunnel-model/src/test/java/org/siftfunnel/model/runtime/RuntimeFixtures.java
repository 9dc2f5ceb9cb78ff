package org.siftfunnel.model.runtime;

import java.io.IOException;
import java.nio.file.Path;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.BundledFashionMnist;
import org.siftfunnel.model.data.ClassNames;
import org.siftfunnel.model.data.ColorMode;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.data.Preprocessing;
import org.siftfunnel.model.inference.ModelSpec;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.export.ModelExporter;

/**
 * Exports for the runtime tests: the SiftFunnel CNN for greyscale input with weights from a
 * fixed seed (no training: the tests compare edge → cloud with the local model, which needs
 * no accuracy), and inputs from the bundled private test split.
 */
public final class RuntimeFixtures {
    public static final long SEED = 20250101;

    /** Loaded once: decoding the bundle is the slowest part of a small test. */
    private static Dataset testSplit;

    private RuntimeFixtures() {
    }

    private static synchronized Dataset testSplit() throws IOException {
        if (testSplit == null) {
            testSplit = BundledFashionMnist.load().test();
        }
        return testSplit;
    }

    public static Backend backend() {
        return Backends.getDefault();
    }

    /** Exports cnn/siftfunnel at {@code imageSize} (1 channel, 10 classes) to {@code dir}. */
    public static ModelBundle export(Path dir, int imageSize) throws IOException {
        ModelSpec spec = new ModelSpec("cnn", "siftfunnel", 1, imageSize, 10);
        SplitModel model = Architectures.create("cnn", "siftfunnel", spec.config(), new RandomSource(SEED));
        return ModelExporter.export(model, spec, Normalization.GREY, ClassNames.FASHION_MNIST, "seed " + SEED, dir, false);
    }

    /** The first {@code n} bundled test images, preprocessed for {@code bundle}'s model; labels are not needed. */
    public static Tensor testImages(ModelBundle bundle, int n) throws IOException {
        Dataset test = testSplit();
        var m = bundle.manifest();
        Preprocessing.Pipeline p = new Preprocessing(m.imageSize(), ColorMode.GREY, m.normalization()).pipeline(test);
        int per = p.imageSize();
        float[] raw = new float[per];
        float[] data = new float[n * per];
        for (int i = 0; i < n; i++) {
            p.raw(i, raw, 0);
            p.normalize(raw, 0, data, i * per);
        }
        return Tensor.of(backend(), data, n, m.channels(), m.imageSize(), m.imageSize());
    }
}
