package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Finite-difference checks of conv2d and conv_transpose2d with respect to input, weight and bias. */
class ConvolutionGradientTest {

    @TestFactory
    Stream<DynamicTest> conv2d() {
        return GradCase.tests(
                of("1x1 [2,3,4,5] -> 4", t -> t[0].conv2d(t[1], t[2], 1, 0), () -> all(any(2, 3, 4, 5), any(4, 3, 1, 1), any(4))),
                of("3x3 pad 1 non-square [1,2,7,5]", t -> t[0].conv2d(t[1], t[2], 1, 1), () -> all(any(1, 2, 7, 5), any(3, 2, 3, 3), any(3))),
                of("3x3 stride 2 pad 1 [2,2,7,6]", t -> t[0].conv2d(t[1], t[2], 2, 1), () -> all(any(2, 2, 7, 6), any(2, 2, 3, 3), any(2))),
                of("3x3 dilation 2 pad 2 [1,2,7,7]", t -> t[0].conv2d(t[1], t[2], 1, 2, 2), () -> all(any(1, 2, 7, 7), any(2, 2, 3, 3), any(2))),
                of("3x3 stride 2 dilation 2 no pad [1,1,9,8]", t -> t[0].conv2d(t[1], t[2], 2, 0, 2), () -> all(any(1, 1, 9, 8), any(2, 1, 3, 3), any(2))),
                of("5x5 pad 2 no bias [1,2,6,7]", t -> t[0].conv2d(t[1], null, 1, 2), () -> all(any(1, 2, 6, 7), any(3, 2, 5, 5))),
                of("7x7 pad 3 [1,1,9,8]", t -> t[0].conv2d(t[1], t[2], 1, 3), () -> all(any(1, 1, 9, 8), any(2, 1, 7, 7), any(2))),
                of("non-square kernel 2x5 pad 1 [2,3,5,6]", t -> t[0].conv2d(t[1], t[2], 1, 1), () -> all(any(2, 3, 5, 6), any(2, 3, 2, 5), any(2))),
                of("3x3 stride 3 uneven [1,2,8,7]", t -> t[0].conv2d(t[1], t[2], 3, 0), () -> all(any(1, 2, 8, 7), any(3, 2, 3, 3), any(3))),
                of("kernel covers the whole 3x3 image", t -> t[0].conv2d(t[1], t[2], 1, 0), () -> all(any(2, 1, 3, 3), any(5, 1, 3, 3), any(5))));
    }

    @TestFactory
    Stream<DynamicTest> convTranspose2d() {
        return GradCase.tests(
                of("k4 stride 2 pad 1 [1,2,3,4]", t -> t[0].convTranspose2d(t[1], t[2], 2, 1, 0),
                        () -> all(any(1, 2, 3, 4), any(2, 3, 4, 4), any(3))),
                of("k3 stride 2 pad 1 output padding 1 [2,2,3,3]", t -> t[0].convTranspose2d(t[1], t[2], 2, 1, 1),
                        () -> all(any(2, 2, 3, 3), any(2, 1, 3, 3), any(1))),
                of("k3 stride 1 pad 1 [1,3,4,5]", t -> t[0].convTranspose2d(t[1], t[2], 1, 1, 0),
                        () -> all(any(1, 3, 4, 5), any(3, 2, 3, 3), any(2))),
                of("k4 stride 1 from 1x1 no bias [2,3,1,1]", t -> t[0].convTranspose2d(t[1], null, 1, 0, 0),
                        () -> all(any(2, 3, 1, 1), any(3, 2, 4, 4))));
    }
}
