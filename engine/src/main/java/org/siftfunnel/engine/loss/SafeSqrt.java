package org.siftfunnel.engine.loss;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Square root whose gradient at 0 is 0 instead of {@code upstream·∞}. The composed
 * {@code sqrt} yields {@code 0·∞ = NaN} when a dependence measure degenerates (a constant
 * channel's standard deviation, a zero distance correlation), which would poison the weights
 * even though the loss value itself is finite; this op keeps such cases at zero gradient.
 */
final class SafeSqrt {
    private SafeSqrt() {
    }

    /** sqrt(x) for x ≥ 0; the backward rule is {@code g / (2·sqrt(x))} where x > 0 and 0 where x = 0. */
    static Tensor of(Tensor x) {
        Tensor y;
        try (var s = org.siftfunnel.engine.autograd.GradMode.noGrad()) {
            y = x.sqrt();
        }
        return Tensor.record("safe_sqrt", y, g -> {
            Tensor positive = y.gt(0f);
            // Where y = 0 divide by 1 instead, then zero the result with the mask.
            Tensor denominator = y.mul(2f).add(positive.rsub(1f));
            return new Tensor[] {g.mul(positive).div(denominator)};
        }, x);
    }
}
