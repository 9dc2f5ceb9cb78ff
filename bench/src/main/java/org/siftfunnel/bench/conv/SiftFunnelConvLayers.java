package org.siftfunnel.bench.conv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.backend.ConvGeometry;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;

/**
 * Every convolution of the SiftFunnel CNN ({@code Architectures.create("cnn", "siftfunnel", 1, s, …)})
 * with the input it sees in a training step, for greyscale input of side s (a multiple of 16).
 * The attention gates are listed with the permuted, Z-pooled input they convolve: the triplet
 * branch {@code cw} sees [N, 2, C, W], {@code hc} [N, 2, H, C], {@code hw} [N, 2, H, W].
 */
public final class SiftFunnelConvLayers {

    /** One convolution: its state-dict weight name, geometry and whether it has a bias. */
    public record Layer(String name, ConvGeometry geometry, boolean bias) {
        /** Multiply-adds of the forward pass. */
        public long macs() {
            return geometry.macs();
        }

        @Override
        public String toString() {
            ConvGeometry g = geometry;
            return String.format("%-28s %3d->%-3d %dx%d on %dx%d", name, g.inChannels(), g.outChannels(), g.kH(), g.kW(),
                    g.inH(), g.inW());
        }
    }

    private SiftFunnelConvLayers() {
    }

    /** The layers in forward order for a batch of {@code batch} images of side {@code size}. */
    public static List<Layer> of(int size, int batch) {
        int s2 = size / 2;
        int s4 = size / 4;
        List<Layer> l = new ArrayList<>();
        l.add(conv("block1.0", batch, 1, size, size, 64, 3, 1, true));
        gates(l, "triplet", batch, 64, s2, s2);
        l.add(conv("block2_mix.0", batch, 64, s2, s2, 16, 1, 0, true));
        l.add(conv("block2_mix.4", batch, 16, s4, s4, 12, 1, 0, true));
        l.add(conv("block2_mix.5", batch, 12, s4, s4, 12, 3, 1, true));
        l.add(conv("block2_mix.7", batch, 12, s4, s4, 12, 1, 0, true));
        l.add(conv("block2_mix.8", batch, 12, s4, s4, 12, 3, 1, true));
        l.add(conv("block2_mix.9", batch, 12, s4, s4, 12, 5, 2, true));
        l.add(conv("cbam.ca.fc1", batch, 12, 1, 1, 2, 1, 0, false));
        l.add(conv("cbam.ca.fc2", batch, 2, 1, 1, 12, 1, 0, false));
        l.add(conv("cbam.sa.conv1", batch, 2, s4, s4, 1, 7, 3, false));
        l.add(conv("up.conv.0", batch, 12, s4, s4, 128, 3, 1, false));
        l.add(conv("up.conv.1", batch, 128, s4, s4, 128, 3, 1, false));
        gates(l, "triplet_cloud", batch, 128, s4, s4);
        l.add(conv("block3.0", batch, 128, s4, s4, 256, 3, 1, true));
        l.add(conv("block4.0", batch, 256, s4 / 2, s4 / 2, 512, 3, 1, true));
        return l;
    }

    private static void gates(List<Layer> l, String prefix, int batch, int c, int h, int w) {
        l.add(conv(prefix + ".cw.conv.conv", batch, 2, c, w, 1, 7, 3, false));
        l.add(conv(prefix + ".hc.conv.conv", batch, 2, h, c, 1, 7, 3, false));
        l.add(conv(prefix + ".hw.conv.conv", batch, 2, h, w, 1, 7, 3, false));
    }

    private static Layer conv(String name, int n, int cin, int h, int w, int cout, int k, int pad, boolean bias) {
        int oh = ConvGeometry.outputSize(h, k, 1, pad, 1);
        int ow = ConvGeometry.outputSize(w, k, 1, pad, 1);
        return new Layer(name, new ConvGeometry(n, cin, h, w, cout, k, k, 1, 1, pad, pad, 1, 1, oh, ow), bias);
    }

    /**
     * Checks the list against the model itself: the same weight names with the same shapes.
     *
     * @throws IllegalStateException naming the first difference
     */
    public static void checkAgainstModel(int size) {
        SplitModel model = Architectures.create("cnn", "siftfunnel", 1, size, 10, new RandomSource(0));
        Map<String, int[]> convs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (e.getKey().endsWith(".weight") && e.getValue().rank() == 4) {
                convs.put(e.getKey().substring(0, e.getKey().length() - ".weight".length()), e.getValue().shape());
            }
        }
        List<Layer> layers = of(size, 1);
        if (layers.size() != convs.size()) {
            throw new IllegalStateException("SiftFunnelConvLayers: " + layers.size() + " layers listed, the model has "
                    + convs.size() + ": " + convs.keySet());
        }
        for (Layer layer : layers) {
            ConvGeometry g = layer.geometry();
            int[] want = {g.outChannels(), g.inChannels(), g.kH(), g.kW()};
            int[] got = convs.get(layer.name());
            if (!Arrays.equals(want, got)) {
                throw new IllegalStateException("SiftFunnelConvLayers: " + layer.name() + " has weight shape "
                        + Arrays.toString(got) + " in the model, listed as " + Arrays.toString(want));
            }
        }
    }
}
