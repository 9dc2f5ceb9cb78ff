package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference checks of the layout ops and gather. Views (reshape, flatten, unsqueeze)
 * are multiplied by a fixed tensor so their gradient is not trivially all-ones.
 */
class LayoutGradientTest {

    private static Tensor weights(int... shape) {
        float[] w = new float[Shapes.numel(shape)];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5f + 0.25f * (i % 7) - 0.1f * (i % 3);
        }
        return Tensor.of(GradCase.Inputs.BACKEND, w, shape);
    }

    private static Tensor index(float[] values, int... shape) {
        return Tensor.of(GradCase.Inputs.BACKEND, values, shape);
    }

    @TestFactory
    Stream<DynamicTest> reorderingAndSelection() {
        return GradCase.tests(
                of("permute (2,0,1) [2,3,4]", t -> t[0].permute(2, 0, 1), () -> all(any(2, 3, 4))),
                of("permute (0,3,2,1) [2,5,3,4]", t -> t[0].permute(0, 3, 2, 1), () -> all(any(2, 5, 3, 4))),
                of("transpose (0,2) [3,1,2]", t -> t[0].transpose(0, 2), () -> all(any(3, 1, 2))),
                of("transpose (-1,-2) [2,3,5]", t -> t[0].transpose(-1, -2), () -> all(any(2, 3, 5))),
                of("slice axis 1 [1,4) of [2,5,3]", t -> t[0].slice(1, 1, 4), () -> all(any(2, 5, 3))),
                of("slice axis 0 [2,3) of [3,4]", t -> t[0].slice(0, 2, 3), () -> all(any(3, 4))),
                of("slice last axis [0,2) of [2,3,5]", t -> t[0].slice(-1, 0, 2), () -> all(any(2, 3, 5))),
                of("concat three parts on axis 1", t -> Tensor.concat(1, t[0], t[1], t[2]),
                        () -> all(any(2, 1, 3), any(2, 4, 3), any(2, 2, 3))),
                of("concat on axis 0", t -> Tensor.concat(0, t[0], t[1]), () -> all(any(1, 3), any(2, 3))),
                of("concat on the last axis", t -> Tensor.concat(-1, t[0], t[1]), () -> all(any(2, 2, 3), any(2, 2, 1))),
                of("stack on axis 0", t -> Tensor.stack(0, t[0], t[1]), () -> all(any(2, 3), any(2, 3))),
                of("stack on a new last axis", t -> Tensor.stack(2, t[0], t[1], t[2]), () -> all(any(2, 3), any(2, 3), any(2, 3))),
                of("pad last axis (1,2)", t -> t[0].pad(new int[] {1, 2}, 0.5f), () -> all(any(2, 3))),
                of("pad last two axes (1,0,2,1)", t -> t[0].pad(new int[] {1, 0, 2, 1}, 0f), () -> all(any(2, 3, 4))),
                of("expand [3,1] to [2,3,4]", t -> t[0].expand(2, 3, 4), () -> all(any(3, 1))),
                of("expand [1] to [5]", t -> t[0].expand(5), () -> all(any(1))),
                of("copy", t -> t[0].copy().mul(weights(2, 3)), () -> all(any(2, 3))));
    }

    @TestFactory
    Stream<DynamicTest> views() {
        return GradCase.tests(
                of("reshape [2,3,4] to [-1,6]", t -> t[0].reshape(-1, 6).mul(weights(4, 6)), () -> all(any(2, 3, 4))),
                of("flatten from axis 1", t -> t[0].flatten(1).mul(weights(2, 12)), () -> all(any(2, 3, 4))),
                of("flatten all", t -> t[0].flatten().mul(weights(6)), () -> all(any(3, 2))),
                of("unsqueeze 1 then broadcast", t -> t[0].unsqueeze(1).mul(weights(3, 4, 5)), () -> all(any(3, 5))),
                of("unsqueeze -1", t -> t[0].unsqueeze(-1).mul(weights(3, 1)), () -> all(any(3))),
                of("squeeze 1", t -> t[0].squeeze(1).mul(weights(4, 3)), () -> all(any(4, 1, 3))));
    }

    @TestFactory
    Stream<DynamicTest> gather() {
        return GradCase.tests(
                of("gather axis 1 with repeated indices", t -> t[0].gather(1, index(new float[] {
                        0, 4, 4, 2,
                        1, 1, 1, 3,
                        2, 0, 3, 4}, 3, 4)), () -> all(any(3, 5))),
                of("gather axis 0 of [4,2,3]", t -> t[0].gather(0, index(new float[] {
                        3, 0, 1, 1, 2, 3,
                        0, 0, 2, 1, 3, 3}, 2, 2, 3)), () -> all(any(4, 2, 3))),
                of("gather last axis picks one", t -> t[0].gather(-1, index(new float[] {2, 0, 1}, 3, 1)), () -> all(any(3, 3))));
    }
}
