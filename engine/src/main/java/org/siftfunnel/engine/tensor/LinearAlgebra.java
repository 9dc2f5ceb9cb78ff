package org.siftfunnel.engine.tensor;

import org.siftfunnel.engine.backend.Backend;

/** Matrix products and distances, each a GEMM (or distance kernel) call forward and backward. */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * Unrecorded batched product of row-major matrices; operand batch strides of 0 broadcast.
     * Shapes: op(a) is m×k, op(b) is k×n, result [batch, m, n] (or [m, n] when batch is 1 and
     * {@code flat}).
     */
    static Tensor mm(Tensor a, boolean ta, Tensor b, boolean tb, int batch, int m, int n, int k,
                     int aBatchStride, int bBatchStride, int[] outShape) {
        Backend be = a.backend();
        Tensor c = Tensor.empty(be, outShape);
        if (k == 0) {
            return c;
        }
        be.gemm(ta, tb, batch, m, n, k, 1f, a.buffer(), 0, aBatchStride, b.buffer(), 0, bBatchStride, 0f, c.buffer(), 0, m * n);
        return c;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        a.checkSameBackend("matmul", b);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2 || bs.length > 3) {
            throw new IllegalArgumentException("matmul: expected [m,k]·[k,n], [b,m,k]·[b,k,n] or [...,m,k]·[k,n]; got "
                    + Shapes.str(as) + " · " + Shapes.str(bs));
        }
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int kb = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.str(as) + " · " + Shapes.str(bs)
                    + " (" + k + " vs " + kb + ")");
        }
        int batch = Shapes.prod(as, 0, as.length - 2);
        int[] outShape = as.clone();
        outShape[outShape.length - 1] = n;
        if (bs.length == 3) {
            if (as.length != 3 || bs[0] != as[0]) {
                throw new IllegalArgumentException("matmul: batch sizes differ: " + Shapes.str(as) + " · " + Shapes.str(bs));
            }
            Tensor out = mm(a, false, b, false, batch, m, n, k, m * k, k * n, outShape);
            return Tensor.record("bmm", out, g -> new Tensor[] {
                a.requiresGrad() ? mm(g, false, b, true, batch, m, k, n, m * n, k * n, as) : null,
                b.requiresGrad() ? mm(a, true, g, false, batch, k, n, m, m * k, m * n, bs) : null
            }, a, b);
        }
        // [..., m, k]·[k, n]: fold the leading axes into the rows.
        int rows = batch * m;
        Tensor out = mm(a, false, b, false, 1, rows, n, k, 0, 0, outShape);
        return Tensor.record("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? mm(g, false, b, true, 1, rows, k, n, 0, 0, as) : null,
            b.requiresGrad() ? mm(a, true, g, false, 1, k, n, rows, 0, 0, bs) : null
        }, a, b);
    }

    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        x.checkSameBackend("linear", w);
        int[] xs = x.shape();
        int[] ws = w.shape();
        if (ws.length != 2) {
            throw new IllegalArgumentException("linear: weight must be [out, in], got " + Shapes.str(ws));
        }
        if (xs.length < 1 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(xs) + " has " + (xs.length == 0 ? 0 : xs[xs.length - 1])
                    + " features, weight " + Shapes.str(ws) + " expects " + ws[1]);
        }
        int in = ws[1];
        int outF = ws[0];
        int rows = x.numel() / Math.max(in, 1);
        int[] outShape = xs.clone();
        outShape[outShape.length - 1] = outF;
        Tensor y = mm(x, false, w, true, 1, rows, outF, in, 0, 0, outShape);
        y = Tensor.record("linear", y, g -> new Tensor[] {
            x.requiresGrad() ? mm(g, false, w, false, 1, rows, in, outF, 0, 0, xs) : null,
            w.requiresGrad() ? mm(g, true, x, false, 1, outF, in, rows, 0, 0, ws) : null
        }, x, w);
        if (bias != null) {
            if (bias.rank() != 1 || bias.size(0) != outF) {
                throw new IllegalArgumentException("linear: bias must be [" + outF + "], got " + Shapes.str(bias.shape()));
            }
            y = y.add(bias);
        }
        return y;
    }

    static Tensor pairwiseSquaredDistances(Tensor x) {
        int[] s = x.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("pairwiseSquaredDistances: expected [n, d], got " + Shapes.str(s));
        }
        int n = s[0];
        int d = s[1];
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, n, n);
        be.pairwiseSquaredDistances(x.buffer(), out.buffer(), n, d);
        return Tensor.record("pairwise_sq_dist", out, g -> {
            // D_ij = |x_i − x_j|²  ⇒  ∂L/∂x_i = 2·Σ_j S_ij (x_i − x_j) with S = G + Gᵀ.
            Tensor sym = g.add(g.transpose(0, 1));
            Tensor rowSum = sym.sum(1, true);
            return new Tensor[] {x.mul(rowSum).sub(sym.matmul(x)).mul(2f)};
        }, x);
    }
}
