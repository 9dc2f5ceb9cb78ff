package org.siftfunnel.model.mine;

import java.util.Arrays;

import org.siftfunnel.engine.estimate.Critic;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.nn.Sigmoid;
import org.siftfunnel.engine.nn.Tanh;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * The paper's MINE critic for an image x and a transmitted feature map z (the released
 * {@code ConvMINE}, spec §2.3):
 * <ol>
 *   <li>zero-pad z on the right and bottom to the image's H×W (only spatially: z keeps its
 *       C_z channels, and its height and width must not exceed the image's);</li>
 *   <li>concatenate the normalised image x and padded z along channels (nc + C_z, x first);</li>
 *   <li>Conv3×3 → 64, Tanh; Conv3×3 64 → 32, Tanh; Conv3×3 32 → 16, Tanh; Conv3×3 16 → 4,
 *       then Sigmoid (the paper's, so T ∈ (0, 1)) or nothing (the unbounded critic of the
 *       corrected estimator); all stride 1, padding 1, with bias, no batch norm;</li>
 *   <li>the mean over C, H and W: one score per sample.</li>
 * </ol>
 * {@link #forward(Tensor)} takes the concatenated [B, nc + C_z, H, W] tensor; {@link #scores}
 * computes the same function from x and z without building the padded planes of z (see there).
 */
public final class ConvMineCritic extends Module implements Critic {
    private final int imageChannels;
    private final int featureChannels;
    private final int height;
    private final int width;
    private final boolean sigmoid;
    private final Sequential net;

    /**
     * @param imageChannels   nc of x (1 or 3 in the paper)
     * @param featureChannels C_z of z
     * @param height          H of x (z is padded to it)
     * @param width           W of x
     * @param sigmoid         end with a sigmoid (the paper's bounded critic)
     */
    public ConvMineCritic(int imageChannels, int featureChannels, int height, int width, boolean sigmoid, RandomSource rng) {
        if (imageChannels < 1 || featureChannels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("ConvMineCritic: channels and sizes must be ≥ 1, got image channels "
                    + imageChannels + ", feature channels " + featureChannels + ", size " + height + "×" + width);
        }
        this.imageChannels = imageChannels;
        this.featureChannels = featureChannels;
        this.height = height;
        this.width = width;
        this.sigmoid = sigmoid;
        int in = imageChannels + featureChannels;
        Sequential layers = new Sequential(
                conv(in, 64, rng), new Tanh(),
                conv(64, 32, rng), new Tanh(),
                conv(32, 16, rng), new Tanh(),
                conv(16, 4, rng));
        if (sigmoid) {
            layers.add(new Sigmoid());
        }
        this.net = registerModule("net", layers);
    }

    /** The paper's critic: sigmoid output, so its DV estimate is at most 1 nat. */
    public static ConvMineCritic paper(int imageChannels, int featureChannels, int height, int width, RandomSource rng) {
        return new ConvMineCritic(imageChannels, featureChannels, height, width, true, rng);
    }

    /** The same network without the final sigmoid, for the corrected estimator. */
    public static ConvMineCritic unbounded(int imageChannels, int featureChannels, int height, int width, RandomSource rng) {
        return new ConvMineCritic(imageChannels, featureChannels, height, width, false, rng);
    }

    private static Conv2d conv(int in, int out, RandomSource rng) {
        return new Conv2d(in, out, 3, 1, 1, true, rng);
    }

    public boolean hasSigmoid() {
        return sigmoid;
    }

    /** Scores images x [B, nc, H, W] against features z [B, C_z, h, w] with h ≤ H, w ≤ W; returns [B]. */
    @Override
    public Tensor scores(Tensor x, Tensor z) {
        int[] xs = x.shape();
        int[] zs = z.shape();
        if (xs.length != 4 || xs[1] != imageChannels || xs[2] != height || xs[3] != width) {
            throw new IllegalArgumentException("ConvMineCritic: x must be [B, " + imageChannels + ", " + height + ", " + width
                    + "], got " + Arrays.toString(xs));
        }
        if (zs.length != 4 || zs[0] != xs[0] || zs[1] != featureChannels || zs[2] > height || zs[3] > width) {
            throw new IllegalArgumentException("ConvMineCritic: z must be [" + xs[0] + ", " + featureChannels
                    + ", h ≤ " + height + ", w ≤ " + width + "] (it is zero-padded to the image size), got " + Arrays.toString(zs));
        }
        // The first convolution of forward(concat(x, pad(z))), computed in two parts that add up
        // to the same numbers (up to float rounding): the image's channels over the whole plane,
        // with the bias, and z's channels only where they reach. Padded z is zero outside its
        // top-left h×w corner, so with a 3×3 kernel its part of the output is zero outside the
        // (h+1)×(w+1) corner: convolving z padded by one zero row and column gives that corner,
        // at (h+1)(w+1)/(H·W) of the cost. For the undefended CNN's z (128×8×8) and 32×32 images
        // this is a tenth of the first layer, which was three quarters of the critic's work; a
        // MINE step gets about three times cheaper.
        Conv2d first = (Conv2d) net.get(0);
        Tensor w = first.weight();
        Tensor imagePart = x.conv2d(w.slice(1, 0, imageChannels), first.bias(), 1, 1);
        int cornerH = Math.min(zs[2] + 1, height);
        int cornerW = Math.min(zs[3] + 1, width);
        // PyTorch's F.pad order: (left, right, top, bottom) — z stays in the top-left corner.
        Tensor corner = z.pad(new int[] {0, cornerW - zs[3], 0, cornerH - zs[2]}, 0f)
                .conv2d(w.slice(1, imageChannels, imageChannels + featureChannels), null, 1, 1);
        Tensor h = imagePart.add(corner.pad(new int[] {0, width - cornerW, 0, height - cornerH}, 0f));
        for (int i = 1; i < net.size(); i++) {
            h = net.get(i).forward(h);
        }
        return h.mean(new int[] {1, 2, 3}, false);
    }

    /** Scores a concatenated [B, nc + C_z, H, W] batch; returns [B]. */
    @Override
    public Tensor forward(Tensor joined) {
        int[] s = joined.shape();
        if (s.length != 4 || s[1] != imageChannels + featureChannels || s[2] != height || s[3] != width) {
            throw new IllegalArgumentException("ConvMineCritic: expected [B, " + (imageChannels + featureChannels) + ", " + height
                    + ", " + width + "] (image and padded features concatenated), got " + Arrays.toString(s));
        }
        return net.forward(joined).mean(new int[] {1, 2, 3}, false);
    }

    @Override
    protected String extraRepr() {
        return "image " + imageChannels + "×" + height + "×" + width + ", z channels " + featureChannels
                + (sigmoid ? ", sigmoid" : ", unbounded");
    }
}
