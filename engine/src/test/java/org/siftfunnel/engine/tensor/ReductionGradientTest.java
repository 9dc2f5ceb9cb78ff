package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.distinct;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Finite-difference checks of sum, mean, max/min, var/std and sumTo over various axes. */
class ReductionGradientTest {

    @TestFactory
    Stream<DynamicTest> sumAndMean() {
        return GradCase.tests(
                of("sum all", t -> t[0].sum(), () -> all(any(2, 3, 5))),
                of("sum axis 0", t -> t[0].sum(0, false), () -> all(any(3, 1, 5))),
                of("sum axis 1 keepDim", t -> t[0].sum(1, true), () -> all(any(2, 3, 5))),
                of("sum axis -1", t -> t[0].sum(-1, false), () -> all(any(2, 7))),
                of("sum axes {0,2}", t -> t[0].sum(new int[] {0, 2}, false), () -> all(any(2, 3, 5))),
                of("sum axes {2,0} keepDim", t -> t[0].sum(new int[] {2, 0}, true), () -> all(any(3, 2, 5))),
                of("sum axes {1,2} of batch 1", t -> t[0].sum(new int[] {1, 2}, false), () -> all(any(1, 3, 4))),
                of("sum every axis", t -> t[0].sum(new int[] {0, 1, 2}, false), () -> all(any(2, 1, 3))),
                of("mean all", t -> t[0].mean(), () -> all(any(3, 5))),
                of("mean axis 1", t -> t[0].mean(1, false), () -> all(any(2, 5, 3))),
                of("mean axes {0,1} keepDim", t -> t[0].mean(new int[] {0, 1}, true), () -> all(any(2, 3, 5))),
                of("mean axes {-1,-3}", t -> t[0].mean(new int[] {-1, -3}, false), () -> all(any(3, 2, 5))),
                of("sumTo [1,3,1]", t -> t[0].sumTo(1, 3, 1), () -> all(any(2, 3, 4))),
                of("sumTo [4]", t -> t[0].sumTo(4), () -> all(any(2, 3, 4))));
    }

    @TestFactory
    Stream<DynamicTest> maxAndMin() {
        return GradCase.tests(
                of("max axis 0", t -> t[0].max(0, false), () -> all(distinct(5, 3))),
                of("max axis 1 keepDim", t -> t[0].max(1, true), () -> all(distinct(2, 7, 3))),
                of("max axis -1", t -> t[0].max(-1, false), () -> all(distinct(3, 2, 5))),
                of("max all", t -> t[0].max(), () -> all(distinct(3, 5))),
                of("min axis 2", t -> t[0].min(2, false), () -> all(distinct(2, 3, 5))),
                of("min axis 0 keepDim", t -> t[0].min(0, true), () -> all(distinct(4, 3))),
                of("min all", t -> t[0].min(), () -> all(distinct(13))),
                of("max over a size-1 axis", t -> t[0].max(1, false), () -> all(distinct(3, 1, 2))));
    }

    @TestFactory
    Stream<DynamicTest> varianceAndStd() {
        return GradCase.tests(
                of("var unbiased axis 1", t -> t[0].var(new int[] {1}, true, false), () -> all(any(3, 5))),
                of("var biased axis 0 keepDim", t -> t[0].var(new int[] {0}, false, true), () -> all(any(4, 3))),
                of("var unbiased axes {0,2}", t -> t[0].var(new int[] {0, 2}, true, false), () -> all(any(2, 3, 5))),
                of("var biased axes {1,2} keepDim", t -> t[0].var(new int[] {1, 2}, false, true), () -> all(any(2, 3, 3))),
                of("std unbiased axis -1", t -> t[0].std(new int[] {-1}, true, false), () -> all(any(3, 7))),
                of("std biased axes {0,1}", t -> t[0].std(new int[] {0, 1}, false, false), () -> all(any(3, 2, 2))));
    }
}
