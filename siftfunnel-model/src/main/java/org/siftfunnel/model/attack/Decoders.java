package org.siftfunnel.model.attack;

import java.util.Arrays;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.ConvTranspose2d;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.Sigmoid;
import org.siftfunnel.engine.nn.Tanh;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.SplitModel;

/**
 * The decoders (inverse networks) of the black-box attacks, each mapping features
 * {@code [N, C, h, w]} to raw images {@code [N, nc, H, W]} in [0, 1] (a final sigmoid).
 * Notation below: ConvT(in→out, kernel, stride, padding).
 *
 * <ul>
 *   <li>{@link #inversion4}: the paper's {@code Inversion_4} for the undefended CNN (spec §3.1);</li>
 *   <li>{@link #pv4Inversion4}: the paper's {@code pv4_Inversion_4} for SiftFunnel's CNN;</li>
 *   <li>{@link #generic}: any feature shape, the same pattern as {@code Inversion_4};</li>
 *   <li>{@link #adaptive}: the scale-aware adaptive attacker's deeper, wider decoder.</li>
 * </ul>
 * The paper's decoders were written for 64×64 input (features at 16×16, two ×2 stages); the CNN
 * sends features at a quarter of the input side at every input size, so they are used
 * unchanged at 32×32 (8×8 features) and 16×16 (4×4).
 */
public final class Decoders {
    /** The width the generic decoder starts from when the features have fewer channels. */
    public static final int GENERIC_MIN_WIDTH = 64;
    /** The generic decoder never goes narrower than this before the output layer. */
    public static final int GENERIC_FLOOR_WIDTH = 16;
    /** The adaptive decoder's base width. */
    public static final int ADAPTIVE_WIDTH = 128;
    /** The adaptive decoder's narrowest upsampling stage. */
    public static final int ADAPTIVE_FLOOR_WIDTH = 32;

    private Decoders() {
    }

    /** A decoder and the name of its design, for the results. */
    public record Built(String design, Sequential decoder) {
    }

    /**
     * The paper's decoder for a victim: {@code Inversion_4} for {@code cnn/none},
     * {@code pv4_Inversion_4} for {@code cnn/siftfunnel}, {@link #generic} otherwise (the
     * paper's VGG and ResNet decoders are not reproduced).
     */
    public static Built paperFor(SplitModel victim, RandomSource rng) {
        int[] f = victim.featureShape();
        int nc = victim.config().channels();
        int side = victim.config().imageSize();
        return switch (victim.name()) {
            case "cnn/none" -> new Built("Inversion_4", inversion4(f[0], f[1], nc, side, rng));
            case "cnn/siftfunnel" -> new Built("pv4_Inversion_4", pv4Inversion4(f[0], f[1], nc, side, rng));
            default -> new Built("generic", generic(f, nc, side, side, rng));
        };
    }

    /**
     * {@code Inversion_4}: stages ConvT(C→C/2, 4, 2, 1) + BN + Tanh, halving the channels and
     * doubling the side, then ConvT(→nc, 4, 2, 1) + Sigmoid; log2(imageSize / featureSide)
     * transposed convolutions in all (two for the CNN's block-2 features: 128→64→nc).
     */
    public static Sequential inversion4(int channels, int featureSide, int nc, int imageSize, RandomSource rng) {
        int stages = doublings("Inversion_4", featureSide, imageSize);
        if (stages < 1) {
            throw new IllegalArgumentException("Inversion_4: needs at least one ×2 stage, got features " + featureSide
                    + " wide for images " + imageSize + " wide");
        }
        if (channels >> (stages - 1) < 1) {
            throw new IllegalArgumentException("Inversion_4: " + channels + " channels cannot be halved " + (stages - 1) + " times");
        }
        Sequential d = new Sequential();
        int in = channels;
        for (int i = 0; i < stages - 1; i++) {
            d.add(new ConvTranspose2d(in, in / 2, 4, 2, 1, rng)).add(new BatchNorm2d(in / 2)).add(new Tanh());
            in /= 2;
        }
        return d.add(new ConvTranspose2d(in, nc, 4, 2, 1, rng)).add(new Sigmoid());
    }

    /**
     * {@code pv4_Inversion_4}, the paper's exact list for SiftFunnel's 12-channel features:
     * <ol>
     *   <li>ConvT 12→12 (3, 1, 1), BN, Tanh;</li>
     *   <li>ConvT 12→12 (3, 1, 1);</li>
     *   <li>ConvT 12→12 (3, 1, 1);</li>
     *   <li>Tanh;</li>
     *   <li>ConvT 12→12 (3, 1, 1);</li>
     *   <li>ConvT 12→16 (3, 1, 1);</li>
     *   <li>ConvT 16→64 (4, 2, 1), doubling the side;</li>
     *   <li>ConvT 64→nc (4, 2, 1), doubling it again;</li>
     *   <li>Sigmoid.</li>
     * </ol>
     * Requires the image side to be four times the feature side (as the SiftFunnel CNN sends).
     */
    public static Sequential pv4Inversion4(int channels, int featureSide, int nc, int imageSize, RandomSource rng) {
        if (doublings("pv4_Inversion_4", featureSide, imageSize) != 2) {
            throw new IllegalArgumentException("pv4_Inversion_4: has two ×2 stages, so the image side must be 4× the feature side;"
                    + " got features " + featureSide + " wide for images " + imageSize + " wide");
        }
        int c = channels;
        return new Sequential(
                new ConvTranspose2d(c, c, 3, 1, 1, rng), new BatchNorm2d(c), new Tanh(),
                new ConvTranspose2d(c, c, 3, 1, 1, rng),
                new ConvTranspose2d(c, c, 3, 1, 1, rng),
                new Tanh(),
                new ConvTranspose2d(c, c, 3, 1, 1, rng),
                new ConvTranspose2d(c, 16, 3, 1, 1, rng),
                new ConvTranspose2d(16, 64, 4, 2, 1, rng),
                new ConvTranspose2d(64, nc, 4, 2, 1, rng),
                new Sigmoid());
    }

    /**
     * A decoder for any feature shape {@code [C, h, w]} and image size {@code H × W}, where
     * {@code H / h = W / w = 2^n}. With width {@code w0 = max(C, 64)}:
     * <ul>
     *   <li>n ≥ 1: n − 1 stages ConvT(in→out, 4, 2, 1) + BN + Tanh with out = w0/2, w0/4, ... (at
     *       least 16), then ConvT(→nc, 4, 2, 1) + Sigmoid. For [128, s/4, s/4] this is exactly
     *       {@link #inversion4};</li>
     *   <li>n = 0 (features at image resolution): ConvT(C→w0, 3, 1, 1) + BN + Tanh, then
     *       ConvT(w0→nc, 3, 1, 1) + Sigmoid.</li>
     * </ul>
     */
    public static Sequential generic(int[] featureShape, int nc, int height, int width, RandomSource rng) {
        checkFeatureShape("generic decoder", featureShape);
        int stages = doublings("generic decoder", featureShape[1], height);
        int stagesW = doublings("generic decoder", featureShape[2], width);
        if (stages != stagesW) {
            throw new IllegalArgumentException("generic decoder: height and width must grow by the same factor, got features "
                    + Arrays.toString(featureShape) + " for images " + height + "×" + width);
        }
        int c = featureShape[0];
        int w0 = Math.max(c, GENERIC_MIN_WIDTH);
        Sequential d = new Sequential();
        if (stages == 0) {
            return d.add(new ConvTranspose2d(c, w0, 3, 1, 1, rng)).add(new BatchNorm2d(w0)).add(new Tanh())
                    .add(new ConvTranspose2d(w0, nc, 3, 1, 1, rng)).add(new Sigmoid());
        }
        int in = c;
        for (int i = 1; i < stages; i++) {
            int out = Math.max(w0 >> i, GENERIC_FLOOR_WIDTH);
            d.add(new ConvTranspose2d(in, out, 4, 2, 1, rng)).add(new BatchNorm2d(out)).add(new Tanh());
            in = out;
        }
        return d.add(new ConvTranspose2d(in, nc, 4, 2, 1, rng)).add(new Sigmoid());
    }

    /**
     * The adaptive attacker's decoder: a fixed standardisation of the features (per-channel
     * statistics of the auxiliary features), a 3×3 conv to width 128 + BN + ReLU, two
     * {@link ResidualBlock}s, then per ×2 stage ConvT(in→out, 4, 2, 1) + BN + ReLU (out = 64, 32,
     * ..., at least 32) followed by a residual block, and a 3×3 conv to nc + Sigmoid.
     *
     * @param standardize the feature standardisation, estimated on auxiliary features
     */
    public static Sequential adaptive(ChannelStandardize standardize, int[] featureShape, int nc, int height, int width,
            RandomSource rng) {
        return adaptive(standardize, featureShape, nc, height, width, ADAPTIVE_WIDTH, rng);
    }

    /** {@link #adaptive(ChannelStandardize, int[], int, int, int, RandomSource)} with another base width (e.g. smaller, for tests). */
    public static Sequential adaptive(ChannelStandardize standardize, int[] featureShape, int nc, int height, int width,
            int baseWidth, RandomSource rng) {
        if (baseWidth < 1) {
            throw new IllegalArgumentException("adaptive decoder: base width must be ≥ 1, got " + baseWidth);
        }
        checkFeatureShape("adaptive decoder", featureShape);
        int stages = doublings("adaptive decoder", featureShape[1], height);
        if (stages != doublings("adaptive decoder", featureShape[2], width)) {
            throw new IllegalArgumentException("adaptive decoder: height and width must grow by the same factor, got features "
                    + Arrays.toString(featureShape) + " for images " + height + "×" + width);
        }
        Sequential d = new Sequential(standardize,
                new Conv2d(featureShape[0], baseWidth, 3, 1, 1, false, rng), new BatchNorm2d(baseWidth), new ReLU(),
                new ResidualBlock(baseWidth, rng), new ResidualBlock(baseWidth, rng));
        int in = baseWidth;
        for (int i = 1; i <= stages; i++) {
            int out = Math.max(baseWidth >> i, Math.min(baseWidth, ADAPTIVE_FLOOR_WIDTH));
            d.add(new ConvTranspose2d(in, out, 4, 2, 1, 0, false, rng)).add(new BatchNorm2d(out)).add(new ReLU())
                    .add(new ResidualBlock(out, rng));
            in = out;
        }
        return d.add(new Conv2d(in, nc, 3, 1, 1, true, rng)).add(new Sigmoid());
    }

    private static void checkFeatureShape(String who, int[] featureShape) {
        if (featureShape == null || featureShape.length != 3 || featureShape[0] < 1 || featureShape[1] < 1 || featureShape[2] < 1) {
            throw new IllegalArgumentException(who + ": feature shape must be [C, h, w] with positive sizes, got "
                    + Arrays.toString(featureShape));
        }
    }

    /** n with {@code target = featureSide · 2^n}. */
    static int doublings(String who, int featureSide, int target) {
        if (featureSide < 1 || target < featureSide || target % featureSide != 0 || Integer.bitCount(target / featureSide) != 1) {
            throw new IllegalArgumentException(who + ": the image side must be the feature side times a power of two, got features "
                    + featureSide + " wide for images " + target + " wide");
        }
        return Integer.numberOfTrailingZeros(target / featureSide);
    }
}
