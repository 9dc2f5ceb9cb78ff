package org.siftfunnel.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.engine.random.RandomSource;

/**
 * A user's shape mistake must be an IllegalArgumentException whose message names the op, the
 * shapes involved and what was expected: each case lists fragments the message must contain.
 */
class ShapeErrorTest {
    private static final Backend BE = Backends.reference();

    private static Tensor t(int... shape) {
        return Tensor.zeros(BE, shape);
    }

    private record ErrorCase(String name, Executable call, String... fragments) {
        DynamicTest test() {
            return DynamicTest.dynamicTest(name, () -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, name);
                String msg = e.getMessage();
                for (String f : fragments) {
                    if (msg == null || !msg.contains(f)) {
                        throw new AssertionError(name + ": message should contain \"" + f + "\" but was: " + msg);
                    }
                }
            });
        }
    }

    private static ErrorCase error(String name, Executable call, String... fragments) {
        return new ErrorCase(name, call, fragments);
    }

    @TestFactory
    Stream<DynamicTest> requiredCases() {
        return Stream.of(
                error("add of [2,3] and [4]", () -> t(2, 3).add(t(4)), "add", "[2, 3]", "[4]", "cannot be broadcast", "3 vs 4"),
                error("conv2d on a 3-D tensor", () -> t(3, 4, 5).conv2d(t(2, 3, 3, 3), null, 1, 1),
                        "conv2d", "[3, 4, 5]", "[N, C, H, W]"),
                error("zeros with a negative size", () -> Tensor.zeros(-1), "zeros", "[-1]", "negative", "≥ 0"),
                error("reshape to a different element count", () -> t(2, 3).reshape(4),
                        "reshape", "[2, 3]", "6 elements", "[4]", "4 elements"),
                error("concat of mismatched shapes", () -> Tensor.concat(0, t(2, 3), t(2, 4)),
                        "concat", "[2, 3]", "[2, 4]", "differ on axis 1"),
                error("conv2d channel mismatch", () -> t(1, 3, 5, 5).conv2d(t(4, 2, 3, 3), null, 1, 1),
                        "conv2d", "[1, 3, 5, 5]", "3 channels", "[4, 2, 3, 3]", "expects 2"),
                error("matmul inner mismatch", () -> t(2, 3).matmul(t(4, 5)), "matmul", "[2, 3]", "[4, 5]", "3 vs 4"))
                .map(ErrorCase::test);
    }

    @TestFactory
    Stream<DynamicTest> furtherCases() {
        return Stream.of(
                error("ones with a negative size", () -> Tensor.ones(BE, 2, -3), "ones", "[2, -3]", "negative"),
                error("full with a negative size", () -> Tensor.full(BE, 1f, -2), "full", "[-2]", "negative"),
                error("of with too few values", () -> Tensor.of(BE, new float[5], 2, 3), "of", "5 values", "[2, 3]", "6 elements"),
                error("reshape with two -1", () -> t(2, 3).reshape(-1, -1), "reshape", "more than one -1"),
                error("reshape that cannot infer -1", () -> t(2, 3).reshape(-1, 4), "reshape", "[-1, 4]", "[2, 3]"),
                error("sum over an axis out of range", () -> t(2, 3).sum(2, false), "sum", "axis 2", "rank 2"),
                error("sum listing an axis twice", () -> t(2, 3).sum(new int[] {1, -1}, false), "sum", "listed twice"),
                error("unbiased variance of one element", () -> t(1, 3).var(new int[] {0}, true, false), "var", "at least 2"),
                error("mul of [3,2] and [2,3]", () -> t(3, 2).mul(t(2, 3)), "mul", "[3, 2]", "[2, 3]", "cannot be broadcast"),
                error("ops across devices", () -> t(2).add(Tensor.zeros(new ReferenceBackend(), 2)), "add", "different devices"),
                error("matmul of a vector", () -> t(3).matmul(t(3, 2)), "matmul", "[3]", "[m,k]"),
                error("matmul batch mismatch", () -> t(2, 3, 4).matmul(t(3, 4, 5)), "matmul", "batch", "[2, 3, 4]", "[3, 4, 5]"),
                error("linear feature mismatch", () -> t(5, 7).linear(t(3, 6), null), "linear", "[5, 7]", "7 features", "[3, 6]", "expects 6"),
                error("linear bias mismatch", () -> t(5, 7).linear(t(3, 7), t(4)), "linear", "bias", "[3]", "[4]"),
                error("pairwise distances of a 3-D tensor", () -> t(2, 3, 4).pairwiseSquaredDistances(),
                        "pairwiseSquaredDistances", "[n, d]", "[2, 3, 4]"),
                error("conv2d weight of rank 3", () -> t(1, 3, 5, 5).conv2d(t(4, 3, 3), null, 1, 1), "conv2d", "weight", "[4, 3, 3]"),
                error("conv2d bias mismatch", () -> t(1, 3, 5, 5).conv2d(t(4, 3, 3, 3), t(3), 1, 1), "conv2d", "bias", "[4]", "[3]"),
                error("conv2d kernel larger than the image", () -> t(1, 1, 2, 2).conv2d(t(1, 1, 5, 5), null, 1, 0),
                        "conv2d", "[1, 1, 2, 2]", "[1, 1, 5, 5]", "smaller than the kernel"),
                error("conv2d stride 0", () -> t(1, 1, 5, 5).conv2d(t(1, 1, 3, 3), null, 0, 0), "conv2d", "stride 0", "stride ≥ 1"),
                error("convTranspose2d channel mismatch", () -> t(1, 3, 4, 4).convTranspose2d(t(2, 3, 4, 4), null, 2, 1, 0),
                        "conv_transpose2d", "[1, 3, 4, 4]", "3 channels", "[2, 3, 4, 4]", "expects 2"),
                error("convTranspose2d output padding too large", () -> t(1, 2, 4, 4).convTranspose2d(t(2, 3, 4, 4), null, 2, 1, 2),
                        "conv_transpose2d", "output padding 2", "[0, 2)"),
                error("maxPool2d on a 3-D tensor", () -> t(3, 4, 4).maxPool2d(2), "max_pool2d", "[3, 4, 4]", "[N, C, H, W]"),
                error("avgPool2d window larger than the image", () -> t(1, 1, 2, 2).avgPool2d(3), "avg_pool2d", "[1, 1, 2, 2]", "3×3"),
                error("maxPool2d padding above half the kernel", () -> t(1, 1, 6, 6).maxPool2d(2, 2, 2),
                        "max_pool2d", "padding 2", "padding ≤ kernel/2"),
                error("adaptive pooling of a 2-D tensor", () -> t(3, 4).adaptiveAvgPool1(), "adaptive_avg_pool2d", "[3, 4]"),
                error("upsample by 0", () -> t(1, 1, 2, 2).upsample(UpsampleMode.NEAREST, 0), "upsample", "scale", "0"),
                error("batchNorm gamma of the wrong size", () -> Normalization.batchNorm(t(2, 3, 4), t(4), null, null, null, true, 0.1f, 1e-5f),
                        "batch_norm", "[3]", "[2, 3, 4]", "[4]"),
                error("batchNorm eval without running stats", () -> Normalization.batchNorm(t(2, 3), null, null, null, null, false, 0.1f, 1e-5f),
                        "batch_norm", "running statistics"),
                error("batchNorm training with one value per channel", () -> Normalization.batchNorm(t(1, 3), null, null, null, null, true, 0.1f, 1e-5f),
                        "batch_norm", "more than one value", "[1, 3]"),
                error("softmax axis out of range", () -> t(2, 3).softmax(2), "softmax", "axis 2", "rank 2"),
                error("permute with a repeated axis", () -> t(2, 3, 4).permute(0, 1, 1), "permute", "repeated", "[0, 1, 1]"),
                error("permute of the wrong length", () -> t(2, 3, 4).permute(1, 0), "permute", "[1, 0]", "3 axes", "[2, 3, 4]"),
                error("slice past the end", () -> t(2, 5).slice(1, 3, 6), "slice", "[3, 6)", "size 5", "[2, 5]"),
                error("squeeze of a non-1 axis", () -> t(2, 3).squeeze(1), "squeeze", "[2, 3]", "size 3", "expected 1"),
                error("unsqueeze out of range", () -> t(2, 3).unsqueeze(4), "unsqueeze", "axis 4", "rank 2"),
                error("expand to an incompatible shape", () -> t(2, 3).expand(4, 3), "expand", "[2, 3]", "[4, 3]"),
                error("pad with an odd-length list", () -> t(2, 3).pad(new int[] {1}, 0f), "pad", "[1]", "pairs"),
                error("pad with a negative amount", () -> t(2, 3).pad(new int[] {1, -1}, 0f), "pad", "negative", "[1, -1]"),
                error("concat of different ranks", () -> Tensor.concat(0, t(2, 3), t(2, 3, 1)), "concat", "[2, 3]", "[2, 3, 1]"),
                error("concat of nothing", () -> Tensor.concat(0), "concat", "no tensors"),
                error("stack of different shapes", () -> Tensor.stack(0, t(2, 3), t(3, 2)), "stack", "[2, 3]", "[3, 2]"),
                error("gather with an index of another rank", () -> t(3, 4).gather(1, t(3)), "gather", "rank 1", "rank 2"),
                error("gather with a mismatched index shape", () -> t(3, 4).gather(1, t(2, 4)), "gather", "[2, 4]", "[3, 4]", "axis 1"),
                error("clamp with min above max", () -> t(2).clamp(1f, 0f), "clamp", "min 1.0", "max 0.0"),
                error("dropout probability above 1", () -> t(2).dropout(1.5f, true, new RandomSource(1)), "dropout", "[0, 1]", "1.5"),
                error("backward upstream of the wrong shape", () -> t(2, 3).backward(t(3, 2)), "backward", "[3, 2]", "[2, 3]"),
                error("copyFrom of another size", () -> t(2, 3).copyFrom(t(5)), "copyFrom", "[5]", "[2, 3]"),
                error("get with an index of the wrong rank", () -> t(2, 3).get(1), "get", "rank 1", "[2, 3]"))
                .map(ErrorCase::test);
    }
}
