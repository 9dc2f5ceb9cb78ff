package org.siftfunnel.engine.tensor;

import static org.siftfunnel.engine.tensor.GradCase.Inputs.all;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.any;
import static org.siftfunnel.engine.tensor.GradCase.Inputs.uniform;
import static org.siftfunnel.engine.tensor.GradCase.of;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.siftfunnel.engine.random.RandomSource;

/** Finite-difference checks of batch norm (training and eval), softmax/log-softmax and dropout. */
class NormalizationGradientTest {

    @TestFactory
    Stream<DynamicTest> batchNorm() {
        return GradCase.tests(
                of("training with affine [4,3,2,5]",
                        t -> Normalization.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f),
                        () -> all(any(4, 3, 2, 5), uniform(0.5f, 1.5f, 3), any(3))),
                of("training 2-D input [5,3]",
                        t -> Normalization.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f),
                        () -> all(any(5, 3), uniform(0.5f, 1.5f, 3), any(3))),
                of("training without affine, batch 1 [1,2,3,3]",
                        t -> Normalization.batchNorm(t[0], null, null, null, null, true, 0.1f, 1e-5f),
                        () -> all(any(1, 2, 3, 3))),
                of("training updating running stats (output unaffected)", t -> Normalization.batchNorm(t[0], t[1], t[2],
                                Tensor.zeros(GradCase.Inputs.BACKEND, 2), Tensor.ones(GradCase.Inputs.BACKEND, 2), true, 0.1f, 1e-5f),
                        () -> all(any(3, 2, 2, 2), uniform(0.5f, 1.5f, 2), any(2))),
                of("eval with running stats [3,2,2,3]", t -> Normalization.batchNorm(t[0], t[1], t[2],
                                Tensor.of(GradCase.Inputs.BACKEND, new float[] {0.3f, -0.2f}, 2),
                                Tensor.of(GradCase.Inputs.BACKEND, new float[] {0.5f, 2f}, 2), false, 0.1f, 1e-5f),
                        () -> all(any(3, 2, 2, 3), uniform(0.5f, 1.5f, 2), any(2))));
    }

    @TestFactory
    Stream<DynamicTest> softmax() {
        return GradCase.tests(
                of("softmax middle axis [2,5,3]", t -> t[0].softmax(1), () -> all(uniform(-2f, 2f, 2, 5, 3))),
                of("logSoftmax middle axis [2,5,3]", t -> t[0].logSoftmax(1), () -> all(uniform(-2f, 2f, 2, 5, 3))),
                of("softmax last axis [3,7]", t -> t[0].softmax(-1), () -> all(uniform(-2f, 2f, 3, 7))),
                of("logSoftmax first axis [4,3]", t -> t[0].logSoftmax(0), () -> all(uniform(-2f, 2f, 4, 3))),
                of("softmax over a size-1 axis", t -> t[0].softmax(1), () -> all(uniform(-2f, 2f, 3, 1, 2))));
    }

    @TestFactory
    Stream<DynamicTest> dropout() {
        // A fresh generator with a fixed seed on every call fixes the mask, so the op is smooth.
        return GradCase.tests(
                of("dropout p 0.3 training", t -> t[0].dropout(0.3f, true, new RandomSource(77)), () -> all(any(4, 5))),
                of("dropout in eval mode is the identity", t -> t[0].dropout(0.5f, false, new RandomSource(77)), () -> all(any(3, 3))),
                of("dropout without rescaling", t -> Normalization.dropoutNoRescale(t[0], 0.4f, new RandomSource(5)), () -> all(any(2, 7))));
    }
}
