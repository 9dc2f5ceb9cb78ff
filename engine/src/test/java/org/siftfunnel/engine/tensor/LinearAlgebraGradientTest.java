package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Finite-difference checks of matmul (2-D, batched, broadcast right operand), linear and pairwise distances. */
class LinearAlgebraGradientTest {

    @TestFactory
    Stream<DynamicTest> matmul() {
        return GradCase.tests(
                of("matmul [3,5]x[5,4]", t -> t[0].matmul(t[1]), () -> all(any(3, 5), any(5, 4))),
                of("matmul [1,1]x[1,1]", t -> t[0].matmul(t[1]), () -> all(any(1, 1), any(1, 1))),
                of("matmul [1,7]x[7,1]", t -> t[0].matmul(t[1]), () -> all(any(1, 7), any(7, 1))),
                of("matmul batched [2,3,5]x[2,5,1]", t -> t[0].matmul(t[1]), () -> all(any(2, 3, 5), any(2, 5, 1))),
                of("matmul batched batch 1 [1,3,2]x[1,2,3]", t -> t[0].matmul(t[1]), () -> all(any(1, 3, 2), any(1, 2, 3))),
                of("matmul broadcast right [2,3,5]x[5,4]", t -> t[0].matmul(t[1]), () -> all(any(2, 3, 5), any(5, 4))),
                of("matmul broadcast right [2,2,3,5]x[5,2]", t -> t[0].matmul(t[1]), () -> all(any(2, 2, 3, 5), any(5, 2))));
    }

    @TestFactory
    Stream<DynamicTest> linearAndDistances() {
        return GradCase.tests(
                of("linear with bias [5,7]·[3,7]ᵀ+[3]", t -> t[0].linear(t[1], t[2]), () -> all(any(5, 7), any(3, 7), any(3))),
                of("linear without bias", t -> t[0].linear(t[1], null), () -> all(any(4, 3), any(2, 3))),
                of("linear 3-D input [2,3,7]", t -> t[0].linear(t[1], t[2]), () -> all(any(2, 3, 7), any(5, 7), any(5))),
                of("linear batch 1 to 1 feature", t -> t[0].linear(t[1], t[2]), () -> all(any(1, 4), any(1, 4), any(1))),
                of("pairwiseSquaredDistances [5,3]", t -> t[0].pairwiseSquaredDistances(), () -> all(any(5, 3))),
                of("pairwiseSquaredDistances [7,1]", t -> t[0].pairwiseSquaredDistances(), () -> all(any(7, 1))),
                of("pairwiseSquaredDistances [1,4]", t -> t[0].pairwiseSquaredDistances(), () -> all(any(1, 4))));
    }
}
