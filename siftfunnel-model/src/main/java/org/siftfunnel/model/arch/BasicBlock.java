package org.siftfunnel.model.arch;

import java.util.Arrays;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * ResNet's basic residual block: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}
 * with 3×3 convolutions without bias; {@code conv1} carries the stride. When the stride is not
 * 1 or the width changes, the shortcut is {@code downsample} = Conv1×1 (stride, no bias) →
 * BatchNorm; otherwise it is the identity. Names as torchvision's: {@code conv1}, {@code bn1},
 * {@code conv2}, {@code bn2}, {@code downsample.0}, {@code downsample.1}.
 */
public final class BasicBlock extends Module {
    private final int in;
    private final int out;
    private final int stride;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    public BasicBlock(int in, int out, int stride, RandomSource rng) {
        this.in = in;
        this.out = out;
        this.stride = stride;
        this.conv1 = registerModule("conv1", new Conv2d(in, out, 3, stride, 1, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(out));
        this.conv2 = registerModule("conv2", new Conv2d(out, out, 3, 1, 1, false, rng));
        this.bn2 = registerModule("bn2", new BatchNorm2d(out));
        this.downsample = stride != 1 || in != out
                ? registerModule("downsample", new Sequential(new Conv2d(in, out, 1, stride, 0, false, rng), new BatchNorm2d(out)))
                : null;
    }

    /** A ResNet layer: {@code blocks} basic blocks, the first with the given stride and width change. */
    public static Sequential layer(int in, int out, int blocks, int stride, RandomSource rng) {
        Sequential seq = new Sequential(new BasicBlock(in, out, stride, rng));
        for (int i = 1; i < blocks; i++) {
            seq.add(new BasicBlock(out, out, 1, rng));
        }
        return seq;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != in) {
            throw new IllegalArgumentException("BasicBlock(" + extraRepr() + "): expected [N, " + in + ", H, W], got shape "
                    + Arrays.toString(x.shape()));
        }
        Tensor y = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x)).relu()));
        Tensor shortcut = downsample == null ? x : downsample.forward(x);
        return y.add(shortcut).relu();
    }

    @Override
    protected String extraRepr() {
        return in + " → " + out + ", stride=" + stride;
    }
}
