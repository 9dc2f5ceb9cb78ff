package org.siftfunnel.engine.tensor;

import java.util.Arrays;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.ReduceOp;

/**
 * Reductions over chosen axes. Each axis is reduced as the middle of an
 * {@code [outer, n, inner]} view, so no reduction needs a permute.
 */
final class Reductions {
    private Reductions() {
    }

    static Tensor sumAll(Tensor x) {
        Tensor out = reduceKeep(ReduceOp.SUM, x.view(new int[] {x.numel()}), 0);
        return Tensor.record("sum", out, g -> new Tensor[] {g.view(ones(x.rank())).expand(x.shape())}, x);
    }

    private static int[] ones(int rank) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        return s;
    }

    static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        int[] sorted = normalise("sum", axes, x.rank());
        Tensor out;
        try (var s = org.siftfunnel.engine.autograd.GradMode.noGrad()) {
            out = x;
            for (int a : sorted) {
                out = reduceKeep(ReduceOp.SUM, out, a);
            }
        }
        int[] kept = out.shape();
        Tensor result = keepDim ? out : out.reshape(dropAxes(x.shape(), sorted));
        return Tensor.record("sum", result, g -> new Tensor[] {g.reshape(kept).expand(x.shape())}, x);
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        int[] sorted = normalise("mean", axes, x.rank());
        int count = 1;
        for (int a : sorted) {
            count *= x.shape()[a];
        }
        return sum(x, axes, keepDim).div(count);
    }

    static Tensor var(Tensor x, int[] axes, boolean unbiased, boolean keepDim) {
        int[] sorted = normalise("var", axes, x.rank());
        int count = 1;
        for (int a : sorted) {
            count *= x.shape()[a];
        }
        if (unbiased && count < 2) {
            throw new IllegalArgumentException("var: unbiased variance over " + count + " element needs at least 2");
        }
        Tensor centred = x.sub(mean(x, sorted, true));
        return sum(centred.square(), sorted, keepDim).div(unbiased ? count - 1 : count);
    }

    static Tensor extreme(Tensor x, int axis, boolean keepDim, boolean max) {
        int a = Shapes.axis(max ? "max" : "min", axis, x.rank());
        Tensor idx = argExtreme(x, a, true, max);
        Tensor out;
        try (var s = org.siftfunnel.engine.autograd.GradMode.noGrad()) {
            out = reduceKeep(max ? ReduceOp.MAX : ReduceOp.MIN, x, a);
        }
        int[] kept = out.shape();
        Tensor result = keepDim ? out : out.reshape(dropAxes(x.shape(), new int[] {a}));
        // The gradient goes to the first extreme element only, as PyTorch's max(dim) does.
        return Tensor.record(max ? "max" : "min", result, g -> {
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            int[] s = x.shape();
            x.backend().scatterAdd(g.reshape(kept).buffer(), idx.buffer(), gx.buffer(),
                    Shapes.prod(s, 0, a), s[a], Shapes.prod(s, a + 1, s.length), 1);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor argExtreme(Tensor x, int axis, boolean keepDim, boolean max) {
        int a = Shapes.axis(max ? "argmax" : "argmin", axis, x.rank());
        int[] s = x.shape();
        if (s[a] == 0) {
            throw new IllegalArgumentException((max ? "argmax" : "argmin") + ": axis " + axis + " of shape " + Shapes.str(s) + " is empty");
        }
        int[] kept = s.clone();
        kept[a] = 1;
        Tensor out = Tensor.empty(x.backend(), kept);
        x.backend().argReduce(max, x.buffer(), out.buffer(), Shapes.prod(s, 0, a), s[a], Shapes.prod(s, a + 1, s.length));
        return keepDim ? out : out.reshape(dropAxes(s, new int[] {a}));
    }

    /** Sums broadcast axes away: the adjoint of broadcasting {@code target} to x's shape. */
    static Tensor sumTo(Tensor x, int[] target) {
        int[] s = x.shape();
        if (Arrays.equals(s, target)) {
            return x;
        }
        int off = s.length - target.length;
        if (off < 0) {
            throw new IllegalArgumentException("sumTo: cannot reduce shape " + Shapes.str(s) + " to larger rank " + Shapes.str(target));
        }
        int[] axes = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            int t = i < off ? 1 : target[i - off];
            if (i < off || (t == 1 && s[i] != 1)) {
                axes[n++] = i;
            } else if (t != s[i]) {
                throw new IllegalArgumentException("sumTo: shape " + Shapes.str(s) + " does not broadcast from " + Shapes.str(target));
            }
        }
        Tensor r = n == 0 ? x : sum(x, Arrays.copyOf(axes, n), true);
        return r.reshape(target);
    }

    private static Tensor reduceKeep(ReduceOp op, Tensor x, int axis) {
        int[] s = x.shape();
        int[] kept = s.clone();
        kept[axis] = 1;
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, kept);
        be.reduce(op, x.buffer(), out.buffer(), Shapes.prod(s, 0, axis), s[axis], Shapes.prod(s, axis + 1, s.length));
        return out;
    }

    private static Tensor reduceAxis(ReduceOp op, Tensor x, int axis) {
        return reduceKeep(op, x, axis);
    }

    private static int[] normalise(String op, int[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = Shapes.axis(op, axes[i], rank);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException(op + ": axis " + out[i] + " listed twice in " + Arrays.toString(axes));
            }
        }
        return out;
    }

    static int[] dropAxes(int[] shape, int[] sortedAxes) {
        int[] out = new int[shape.length - sortedAxes.length];
        int k = 0;
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (j < sortedAxes.length && sortedAxes[j] == i) {
                j++;
            } else {
                out[k++] = shape[i];
            }
        }
        return out;
    }
}
