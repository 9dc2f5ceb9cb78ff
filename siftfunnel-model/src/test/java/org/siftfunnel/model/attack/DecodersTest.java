package org.siftfunnel.model.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.ConvTranspose2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.Sigmoid;
import org.siftfunnel.engine.nn.Tanh;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Classifier4;
import org.siftfunnel.model.arch.SiftFunnelCnn;
import org.siftfunnel.model.arch.SplitModel;

class DecodersTest {

    /** Decodes two random feature maps and checks the image shape and the sigmoid's range. */
    private static void assertDecodes(Module decoder, int[] featureShape, int[] imageShape) {
        decoder.eval();
        Tensor z = Tensor.randn(org.siftfunnel.engine.backend.Backends.getDefault(), new RandomSource(9), 0f, 1f,
                2, featureShape[0], featureShape[1], featureShape[2]);
        Tensor out;
        try (GradMode.Scope g = GradMode.noGrad()) {
            out = decoder.forward(z);
        }
        assertArrayEquals(new int[] {2, imageShape[0], imageShape[1], imageShape[2]}, out.shape());
        for (float v : out.toArray()) {
            assertTrue(v >= 0f && v <= 1f, "decoder output outside [0, 1]: " + v);
        }
    }

    /** The transposed convolutions of a decoder, in order, as [in, out, kernel]. */
    private static List<int[]> convTransposes(Sequential d) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            if (d.get(i) instanceof ConvTranspose2d c) {
                int[] w = c.weight().shape();
                out.add(new int[] {w[0], w[1], w[2]});
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}/{1} channels at {2}x{2}")
    @CsvSource({"none, 1, 32", "none, 3, 32", "none, 1, 64", "none, 3, 64", "siftfunnel, 1, 32", "siftfunnel, 3, 32",
            "siftfunnel, 1, 64", "siftfunnel, 3, 64"})
    void paperDecodersMapTheCnnFeaturesToImages(String variant, int channels, int size) {
        RandomSource rng = new RandomSource(1);
        ArchConfig config = ArchConfig.of(channels, size, 10);
        SplitModel victim = variant.equals("none") ? new Classifier4(config, rng) : new SiftFunnelCnn(config, rng);
        Decoders.Built built = Decoders.paperFor(victim, rng);
        assertEquals(variant.equals("none") ? "Inversion_4" : "pv4_Inversion_4", built.design());
        assertDecodes(built.decoder(), victim.featureShape(), config.inputShape());
    }

    @Test
    void inversion4HasThePaperLayersForBlockTwo() {
        Sequential d = Decoders.inversion4(128, 16, 3, 64, new RandomSource(1));
        // ConvT 128→64 (4, 2, 1), BN, Tanh, ConvT 64→3 (4, 2, 1), Sigmoid
        assertEquals(5, d.size());
        assertInstanceOf(BatchNorm2d.class, d.get(1));
        assertInstanceOf(Tanh.class, d.get(2));
        assertInstanceOf(Sigmoid.class, d.get(4));
        List<int[]> ct = convTransposes(d);
        assertArrayEquals(new int[] {128, 64, 4}, ct.get(0));
        assertArrayEquals(new int[] {64, 3, 4}, ct.get(1));
    }

    @Test
    void pv4Inversion4IsTheNineStepList() {
        Sequential d = Decoders.pv4Inversion4(12, 8, 1, 32, new RandomSource(1));
        String[] kinds = {"ConvTranspose2d", "BatchNorm2d", "Tanh", "ConvTranspose2d", "ConvTranspose2d", "Tanh", "ConvTranspose2d",
                "ConvTranspose2d", "ConvTranspose2d", "ConvTranspose2d", "Sigmoid"};
        assertEquals(kinds.length, d.size());
        for (int i = 0; i < kinds.length; i++) {
            assertEquals(kinds[i], d.get(i).getClass().getSimpleName(), "layer " + i);
        }
        int[][] expected = {{12, 12, 3}, {12, 12, 3}, {12, 12, 3}, {12, 12, 3}, {12, 16, 3}, {16, 64, 4}, {64, 1, 4}};
        List<int[]> ct = convTransposes(d);
        assertEquals(expected.length, ct.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], ct.get(i), "transposed convolution " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> Decoders.pv4Inversion4(12, 8, 1, 64, new RandomSource(1)));
    }

    @ParameterizedTest(name = "[{0}, {1}, {2}] -> [{3}, {4}, {5}]")
    @CsvSource({"128, 8, 8, 1, 32, 32", "12, 8, 8, 3, 32, 32", "4, 16, 16, 3, 64, 64", "6, 32, 32, 1, 64, 64", "512, 2, 2, 3, 32, 32",
            "3, 16, 16, 1, 16, 16", "8, 4, 8, 1, 16, 32", "2, 1, 1, 1, 16, 16"})
    void genericDecoderFitsAnyPowerOfTwoShape(int c, int h, int w, int nc, int height, int width) {
        int[] f = {c, h, w};
        assertDecodes(Decoders.generic(f, nc, height, width, new RandomSource(2)), f, new int[] {nc, height, width});
    }

    @Test
    void genericDecoderForBlockTwoIsInversion4() {
        Sequential g = Decoders.generic(new int[] {128, 8, 8}, 1, 32, 32, new RandomSource(1));
        Sequential p = Decoders.inversion4(128, 8, 1, 32, new RandomSource(1));
        assertEquals(p.size(), g.size());
        assertEquals(p.stateDict().keySet(), g.stateDict().keySet());
        p.stateDict().forEach((k, v) -> assertArrayEquals(v.shape(), g.stateDict().get(k).shape(), k));
        // channels halve from max(C, 64): 12 channels → 32 → nc
        List<int[]> ct = convTransposes(Decoders.generic(new int[] {12, 8, 8}, 1, 32, 32, new RandomSource(1)));
        assertArrayEquals(new int[] {12, 32, 4}, ct.get(0));
        assertArrayEquals(new int[] {32, 1, 4}, ct.get(1));
    }

    @Test
    void genericDecoderRejectsShapesThatAreNotPowerOfTwoMultiples() {
        RandomSource rng = new RandomSource(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Decoders.generic(new int[] {8, 6, 6}, 1, 32, 32, rng));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Decoders.generic(new int[] {8, 8, 8}, 1, 32, 64, rng));
        assertThrows(IllegalArgumentException.class, () -> Decoders.generic(new int[] {8, 64, 64}, 1, 32, 32, rng));
        assertThrows(IllegalArgumentException.class, () -> Decoders.generic(new int[] {8, 8}, 1, 32, 32, rng));
    }

    @ParameterizedTest(name = "[{0}, {1}, {1}] -> {2}x{2}")
    @CsvSource({"12, 4, 16", "128, 8, 32", "6, 32, 64"})
    void adaptiveDecoderMapsFeaturesToImages(int c, int side, int size) {
        int[] f = {c, side, side};
        float[] mean = new float[c];
        float[] std = new float[c];
        java.util.Arrays.fill(std, 1e-3f);
        Sequential d = Decoders.adaptive(new ChannelStandardize(mean, std), f, 1, size, size, new RandomSource(3));
        assertDecodes(d, f, new int[] {1, size, size});
        assertInstanceOf(ChannelStandardize.class, d.get(0));
        // the standardisation is saved with the decoder but never trained
        assertTrue(d.stateDict().containsKey("0.mean"));
        assertTrue(d.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("0.")));
    }

    @Test
    void standardizationEstimatesPerChannelStatistics() {
        // channel 0: values 1e-3·(0, 1, 2, 3) + 5e-3; channel 1 constant zero
        float[] v = {0.005f, 0.006f, 0f, 0f, 0.007f, 0.008f, 0f, 0f};
        Tensor z = Tensor.of(v, 2, 2, 2, 1);
        ChannelStandardize s = ChannelStandardize.estimate(z);
        assertEquals(0.0065f, s.mean()[0], 1e-7f);
        assertEquals((float) Math.sqrt(1.25e-6), s.std()[0], 1e-8f);
        assertEquals(0f, s.mean()[1]);
        assertEquals(1e-6f * s.std()[0], s.std()[1], 1e-12f);
        float[] out = s.forward(z).toArray();
        double m = (out[0] + out[1] + out[4] + out[5]) / 4;
        assertEquals(0, m, 1e-5);
        assertEquals(0f, out[2]);
        assertThrows(IllegalArgumentException.class, () -> new ChannelStandardize(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> s.forward(Tensor.zeros(1, 3, 2, 2)));
    }
}
