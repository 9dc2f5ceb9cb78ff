package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.awayFromZero;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.distinct;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.offGrid;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.uniform;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Finite-difference checks of every elementwise op: binary with broadcasting, scalar forms, unary. */
class ElementwiseGradientTest {

    @TestFactory
    Stream<DynamicTest> binaryWithBroadcasting() {
        return GradCase.tests(
                of("add same shape [3,5]", t -> t[0].add(t[1]), () -> all(any(3, 5), any(3, 5))),
                of("add both broadcast [3,1,5]+[4,1]", t -> t[0].add(t[1]), () -> all(any(3, 1, 5), any(4, 1))),
                of("add [1] + [2,3] (left scalar tensor)", t -> t[0].add(t[1]), () -> all(any(1), any(2, 3))),
                of("add [2,3] + [1] with grad", t -> t[0].add(t[1]), () -> all(any(2, 3), any(1))),
                of("sub [2,3] - [3]", t -> t[0].sub(t[1]), () -> all(any(2, 3), any(3))),
                of("sub [3] - [2,3] (left broadcast)", t -> t[0].sub(t[1]), () -> all(any(3), any(2, 3))),
                of("mul both broadcast [4,1]*[1,5]", t -> t[0].mul(t[1]), () -> all(any(4, 1), any(1, 5))),
                of("mul [1,1] * [7] (rank grows)", t -> t[0].mul(t[1]), () -> all(any(1, 1), any(7))),
                of("div [3,4] / [4]", t -> t[0].div(t[1]), () -> all(any(3, 4), awayFromZero(0.5f, 2f, 4))),
                of("div both broadcast [2,1,3] / [5,1]", t -> t[0].div(t[1]), () -> all(any(2, 1, 3), awayFromZero(0.5f, 2f, 5, 1))),
                of("pow tensor [2,3] ^ [3]", t -> t[0].pow(t[1]), () -> all(uniform(0.5f, 2f, 2, 3), uniform(-1.5f, 1.5f, 3))),
                of("pow tensor [1] ^ [4,2] (base broadcast)", t -> t[0].pow(t[1]), () -> all(uniform(0.5f, 2f, 1), uniform(-1.5f, 1.5f, 4, 2))),
                of("maximum [3,4] vs [4]", t -> t[0].maximum(t[1]), () -> all(distinct(3, 4), offGrid(4))),
                of("maximum both broadcast [3,1] vs [1,5]", t -> t[0].maximum(t[1]), () -> all(distinct(3, 1), offGrid(1, 5))),
                of("minimum [2,3,2] vs [3,1]", t -> t[0].minimum(t[1]), () -> all(distinct(2, 3, 2), offGrid(3, 1))),
                of("mul by a constant one-element tensor", t -> t[0].mul(Tensor.of(GradCase.Inputs.BACKEND, new float[] {-2.5f}, 1)),
                        () -> all(any(3, 2))),
                of("div by a constant one-element tensor", t -> t[0].div(Tensor.of(GradCase.Inputs.BACKEND, new float[] {0.75f}, 1, 1)),
                        () -> all(any(2, 3))),
                of("comparison masks carry no gradient", t -> t[0].mul(t[0].gt(t[1])).add(t[1].mul(t[0].le(t[1]))),
                        () -> all(distinct(5), offGrid(5))));
    }

    @TestFactory
    Stream<DynamicTest> scalarOperand() {
        return GradCase.tests(
                of("add scalar", t -> t[0].add(1.5f), () -> all(any(2, 5))),
                of("sub scalar", t -> t[0].sub(0.3f), () -> all(any(7))),
                of("rsub scalar (s - x)", t -> t[0].rsub(2f), () -> all(any(3, 3))),
                of("mul scalar", t -> t[0].mul(-3f), () -> all(any(1, 4))),
                of("div scalar", t -> t[0].div(0.7f), () -> all(any(5, 1))),
                of("rdiv scalar (s / x)", t -> t[0].rdiv(1.3f), () -> all(awayFromZero(0.5f, 2f, 2, 3))),
                of("maximum scalar", t -> t[0].maximum(0.025f), () -> all(distinct(3, 4))),
                of("minimum scalar", t -> t[0].minimum(-0.025f), () -> all(distinct(11))));
    }

    @TestFactory
    Stream<DynamicTest> unary() {
        return GradCase.tests(
                of("neg", t -> t[0].neg(), () -> all(any(3, 1, 7))),
                of("exp", t -> t[0].exp(), () -> all(any(13))),
                of("log", t -> t[0].log(), () -> all(uniform(0.3f, 3f, 2, 5))),
                of("sqrt", t -> t[0].sqrt(), () -> all(uniform(0.3f, 3f, 5, 2))),
                of("abs", t -> t[0].abs(), () -> all(awayFromZero(0.05f, 1f, 4, 3))),
                of("square", t -> t[0].square(), () -> all(any(17))),
                of("reciprocal", t -> t[0].reciprocal(), () -> all(awayFromZero(0.5f, 2f, 3, 3))),
                of("sign (zero gradient)", t -> t[0].sign(), () -> all(awayFromZero(0.05f, 1f, 6))),
                of("pow 2.5", t -> t[0].pow(2.5f), () -> all(uniform(0.3f, 2f, 2, 3))),
                of("pow 3 on negatives", t -> t[0].pow(3f), () -> all(any(2, 3))),
                of("pow -1.5", t -> t[0].pow(-1.5f), () -> all(uniform(0.5f, 2f, 7))),
                of("pow 0 (zero gradient)", t -> t[0].pow(0f), () -> all(uniform(0.5f, 2f, 3))),
                of("clamp (values inside and outside)", t -> t[0].clamp(-0.325f, 0.275f), () -> all(distinct(19))),
                of("relu", t -> t[0].relu(), () -> all(awayFromZero(0.05f, 1f, 3, 5))),
                of("leakyRelu 0.1", t -> t[0].leakyRelu(0.1f), () -> all(awayFromZero(0.05f, 1f, 5, 3))),
                of("silu", t -> t[0].silu(), () -> all(uniform(-4f, 4f, 2, 7))),
                of("sigmoid", t -> t[0].sigmoid(), () -> all(uniform(-4f, 4f, 11))),
                of("tanh", t -> t[0].tanh(), () -> all(uniform(-2f, 2f, 3, 1, 3))),
                of("softplus default", t -> t[0].softplus(), () -> all(uniform(-4f, 4f, 2, 5))),
                of("softplus beta 2 threshold 1 (both branches)", t -> t[0].softplus(2f, 1f),
                        () -> all(awayFromZero(0.05f, 1f, 3, 4).add(0.5f).detach())),
                of("elu 1.3", t -> t[0].elu(1.3f), () -> all(awayFromZero(0.05f, 2f, 9))));
    }
}
