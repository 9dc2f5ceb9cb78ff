package org.siftfunnel.engine.nn.attention;

import org.siftfunnel.engine.nn.BatchNorm2d;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.ReLU;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Triplet attention's {@code BasicConv}: {@code conv} (no bias by default), then optionally
 * {@code bn} (BatchNorm2d with eps 1e-5 and momentum 0.01, as Misra et al.'s code) and
 * optionally a ReLU.
 */
public final class BasicConv extends Module {
    /** BatchNorm momentum of the triplet-attention code (PyTorch's default is 0.1). */
    public static final float BN_MOMENTUM = 0.01f;
    /** BatchNorm eps of the triplet-attention code. */
    public static final float BN_EPS = 1e-5f;

    private final Conv2d conv;
    private final BatchNorm2d bn;
    private final ReLU relu;

    public BasicConv(int in, int out, int kernel, int stride, int padding, boolean relu, boolean bn, boolean bias,
                     RandomSource rng) {
        this.conv = registerModule("conv", new Conv2d(in, out, kernel, stride, padding, bias, rng));
        this.bn = bn ? registerModule("bn", new BatchNorm2d(out, BN_EPS, BN_MOMENTUM, true)) : null;
        this.relu = relu ? registerModule("relu", new ReLU()) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        if (bn != null) {
            y = bn.forward(y);
        }
        return relu != null ? relu.forward(y) : y;
    }
}
