package org.siftfunnel.model.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/** The six architectures: edge sizes against the paper spec's table (§7.2), shapes, and the factory's checks. */
class ArchitecturesTest {
    /**
     * Edge parameters (BatchNorm weight and bias counted, running statistics not). RGB values are
     * the spec's §7.2 table; greyscale ones differ only in the first 3×3 convolution (64·2·9 fewer
     * weights), and the spec gives 9,202 and 74,880 for the CNNs.
     */
    @ParameterizedTest(name = "{0}/{1} nc={2}: {3}")
    @CsvSource({
            "cnn, none, 3, 76032", "cnn, none, 1, 74880",
            "cnn, siftfunnel, 3, 10354", "cnn, siftfunnel, 1, 9202",
            "vgg16, none, 3, 260928", "vgg16, none, 1, 259776",
            "vgg16, siftfunnel, 3, 300574", "vgg16, siftfunnel, 1, 299422",
            "resnet18, none, 3, 675392", "resnet18, none, 1, 674240",
            "resnet18, siftfunnel, 3, 231832", "resnet18, siftfunnel, 1, 230680"})
    void edgeParameterCountsMatchTheSpecTable(String backbone, String variant, int channels, long expected) {
        SplitModel model = Models.shared(backbone, variant, channels, 32);
        assertEquals(expected, model.edge().parameterCount());
        assertEquals(expected, ModelCost.parameters(model.edge()));
        assertEquals(model.parameterCount(), model.edge().parameterCount() + model.cloud().parameterCount(),
                "edge and cloud share no parameter and together hold all");
    }

    static Stream<Arguments> everyModelAndChannelCount() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String backbone : Architectures.BACKBONES) {
            for (String variant : Architectures.VARIANTS) {
                for (int channels : new int[] {1, 3}) {
                    b.add(Arguments.of(backbone, variant, channels, 32));
                }
            }
        }
        // The CNNs are cheap enough to run at the paper's 64×64 too; VGG and ResNet at 64 are
        // covered by featureShapesAndHeadWidthsAt64 and by ModelCostTest's edge passes.
        for (String variant : Architectures.VARIANTS) {
            for (int channels : new int[] {1, 3}) {
                b.add(Arguments.of("cnn", variant, channels, 64));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}/{1} nc={2} s={3}")
    @MethodSource("everyModelAndChannelCount")
    void forwardGivesLogProbabilitiesAndFeaturesOfTheDeclaredShape(String backbone, String variant, int channels, int size) {
        SplitModel model = Models.shared(backbone, variant, channels, size);
        boolean cheap = backbone.equals("cnn");
        // A batch of 2 for the cheap CNNs checks the batch axis; one sample keeps VGG and ResNet
        // fast, and for those the greyscale models (which differ only in the first convolution)
        // run the edge alone.
        int n = cheap ? 2 : 1;
        Tensor x = Tensor.rand(Backends.getDefault(), new RandomSource(3), -1f, 1f, n, channels, size, size);
        try (GradMode.Scope _ = GradMode.noGrad()) {
            Tensor z = model.features(x);
            int[] f = model.featureShape();
            assertArrayEquals(new int[] {n, f[0], f[1], f[2]}, z.shape(), "Z shape");
            if (!cheap && channels == 1) {
                return;
            }
            Tensor logProbs = model.cloud().forward(z);
            assertArrayEquals(new int[] {n, 10}, logProbs.shape(), "log-probabilities shape");
            float[] lp = logProbs.toArray();
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += Math.exp(lp[i * 10 + k]);
                }
                assertEquals(1.0, sum, 1e-4, "probabilities of sample " + i + " sum to 1");
            }
        }
    }

    /** Z and the head's input width at the paper's 64×64 (spec §5.3: 8192 for the CNN, 2048 for VGG and ResNet). */
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "cnn, none, 128, 16, fc.0.weight, 8192",
            "cnn, siftfunnel, 12, 16, fc.0.weight, 8192",
            "vgg16, none, 128, 16, classifier.0.weight, 2048",
            "vgg16, siftfunnel, 4, 16, classifier.0.weight, 2048",
            "resnet18, none, 128, 32, fc.weight, 2048",
            "resnet18, siftfunnel, 6, 32, fc.weight, 2048"})
    void featureShapesAndHeadWidthsAt64(String backbone, String variant, int zChannels, int zSide, String headWeight, int headInputs) {
        SplitModel model = Models.shared(backbone, variant, 3, 64);
        assertArrayEquals(new int[] {zChannels, zSide, zSide}, model.featureShape());
        assertEquals(zChannels * zSide * zSide, model.featureSize());
        assertEquals(headInputs, model.stateDict().get(headWeight).size(1));
    }

    @Test
    void siftFunnelSendsTheSpecsPayloads() {
        // Spec §5.3: 12×16×16 = 3,072, 4×16×16 = 1,024 and 6×32×32 = 6,144 values at 64×64;
        // the undefended CNN sends 10.7× more than the SiftFunnel CNN.
        assertEquals(3072, Models.shared("cnn", "siftfunnel", 3, 64).featureSize());
        assertEquals(1024, Models.shared("vgg16", "siftfunnel", 3, 64).featureSize());
        assertEquals(6144, Models.shared("resnet18", "siftfunnel", 3, 64).featureSize());
        assertEquals(32768, Models.shared("cnn", "none", 3, 64).featureSize());
    }

    @Test
    void factoryBuildsTheNamedClassesCaseInsensitively() {
        RandomSource rng = new RandomSource(1);
        assertInstanceOf(Classifier4.class, Architectures.create("CNN", "None", 1, 16, 2, rng));
        assertInstanceOf(SiftFunnelCnn.class, Architectures.create(" cnn ", "SiftFunnel", 1, 16, 2, rng));
        assertEquals("cnn/siftfunnel", Architectures.create("cnn", "siftfunnel", 3, 16, 2, rng).name());
        assertInstanceOf(SiftFunnelVgg16Bn.class, Models.shared("vgg16", "siftfunnel", 3, 32));
        assertInstanceOf(Vgg16Bn.class, Models.shared("vgg16", "none", 3, 32));
        assertInstanceOf(SiftFunnelResNet18.class, Models.shared("resnet18", "siftfunnel", 3, 32));
        assertInstanceOf(ResNet18.class, Models.shared("resnet18", "none", 3, 32));
    }

    @Test
    void factoryRejectsInvalidCombinationsWithClearMessages() {
        RandomSource rng = new RandomSource(1);
        assertMessage(() -> Architectures.create("alexnet", "none", 3, 32, 10, rng), "unknown backbone 'alexnet'", "cnn, vgg16, resnet18");
        assertMessage(() -> Architectures.create("cnn", "dp", 3, 32, 10, rng), "unknown defense variant 'dp'", "none, siftfunnel");
        assertMessage(() -> Architectures.create(null, "none", 3, 32, 10, rng), "unknown backbone 'null'");
        assertMessage(() -> Architectures.create("cnn", "none", 3, 40, 10, rng), "multiple of 16", "40");
        assertMessage(() -> Architectures.create("cnn", "none", 3, 0, 10, rng), "multiple of 16", "0");
        assertMessage(() -> Architectures.create("cnn", "none", 2, 32, 10, rng), "channels must be 1", "got 2");
        assertMessage(() -> Architectures.create("cnn", "none", 3, 32, 1, rng), "classes must be at least 2");
        assertMessage(() -> Architectures.create("vgg16", "none", 3, 16, 10, rng), "Vgg16Bn", "at least 32", "16");
        assertMessage(() -> Architectures.create("vgg16", "siftfunnel", 3, 16, 10, rng), "SiftFunnelVgg16Bn", "at least 32");
        assertMessage(() -> Architectures.create("resnet18", "none", 1, 16, 10, rng), "ResNet18", "at least 32");
        assertMessage(() -> Architectures.create("resnet18", "siftfunnel", 1, 16, 10, rng), "SiftFunnelResNet18", "at least 32");
        assertMessage(() -> ArchConfig.of(1, 32, 10).withDropout(1f), "dropout override");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void dropoutOverrideReachesEveryHeadDropout() {
        // p = 0 makes training-mode forward passes deterministic (the golden test relies on it).
        SplitModel model = Architectures.create("cnn", "none", ArchConfig.of(1, 16, 3).withDropout(0f), new RandomSource(5));
        model.train();
        Tensor x = Tensor.rand(Backends.getDefault(), new RandomSource(6), 0f, 1f, 4, 1, 16, 16);
        float[] a = model.cloud().forward(model.features(x)).toArray();
        float[] b = model.cloud().forward(model.features(x)).toArray();
        assertArrayEquals(a, b, 1e-5f);
        SplitModel paper = Architectures.create("cnn", "none", ArchConfig.of(1, 16, 3), new RandomSource(5));
        assertTrue(paper.toString().contains("p=0.5"), paper::toString);
        assertTrue(model.toString().contains("p=0.0"), model::toString);
    }
}
