package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.distinct;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.siftfunnel.engine.backend.UpsampleMode;

/** Finite-difference checks of max/avg pooling (with padding), adaptive pooling and upsampling. */
class PoolingGradientTest {

    @TestFactory
    Stream<DynamicTest> pooling() {
        return GradCase.tests(
                of("maxPool 2 odd width [2,3,6,5]", t -> t[0].maxPool2d(2), () -> all(distinct(2, 3, 6, 5))),
                of("maxPool 3 stride 2 pad 1 [1,2,7,6]", t -> t[0].maxPool2d(3, 2, 1), () -> all(distinct(1, 2, 7, 6))),
                of("maxPool 3 stride 1 pad 1 (overlapping)", t -> t[0].maxPool2d(3, 1, 1), () -> all(distinct(1, 1, 5, 4))),
                of("maxPool 2 stride 1 [1,1,3,3]", t -> t[0].maxPool2d(2, 1, 0), () -> all(distinct(1, 1, 3, 3))),
                of("avgPool 2 [2,2,5,7]", t -> t[0].avgPool2d(2), () -> all(any(2, 2, 5, 7))),
                of("avgPool 3 stride 2 pad 1 [1,2,6,5]", t -> t[0].avgPool2d(3, 2, 1), () -> all(any(1, 2, 6, 5))),
                of("avgPool 3 stride 1 pad 1", t -> t[0].avgPool2d(3, 1, 1), () -> all(any(2, 1, 4, 3))),
                of("adaptiveAvgPool1 [2,3,3,5]", t -> t[0].adaptiveAvgPool1(), () -> all(any(2, 3, 3, 5))),
                of("adaptiveAvgPool1 of 1x1", t -> t[0].adaptiveAvgPool1(), () -> all(any(1, 3, 1, 1))),
                of("adaptiveMaxPool1 [2,3,3,5]", t -> t[0].adaptiveMaxPool1(), () -> all(distinct(2, 3, 3, 5))));
    }

    @TestFactory
    Stream<DynamicTest> upsampling() {
        return GradCase.tests(
                of("nearest x2 [1,2,3,5]", t -> t[0].upsample(UpsampleMode.NEAREST, 2), () -> all(any(1, 2, 3, 5))),
                of("nearest x3 [2,1,2,3]", t -> t[0].upsample(UpsampleMode.NEAREST, 3), () -> all(any(2, 1, 2, 3))),
                of("bilinear x2 [2,1,4,3]", t -> t[0].upsample(UpsampleMode.BILINEAR, 2), () -> all(any(2, 1, 4, 3))),
                of("bilinear x3 [1,2,3,3]", t -> t[0].upsample(UpsampleMode.BILINEAR, 3), () -> all(any(1, 2, 3, 3))),
                of("bilinear x2 of 1x1", t -> t[0].upsample(UpsampleMode.BILINEAR, 2), () -> all(any(1, 2, 1, 1))),
                of("bilinear x1 (identity)", t -> t[0].upsample(UpsampleMode.BILINEAR, 1), () -> all(any(1, 1, 3, 2))));
    }
}
