package org.siftfunnel.engine.tensor;

import org.siftfunnel.engine.backend.Backend;

/** Gather by index along an axis (indices stored as floats), and its scatter-add adjoint. */
final class Indexing {
    private Indexing() {
    }

    static Tensor gather(Tensor x, int axis, Tensor index) {
        int a = Shapes.axis("gather", axis, x.rank());
        int[] s = x.shape();
        int[] is = index.shape();
        x.checkSameBackend("gather", index);
        if (is.length != s.length) {
            throw new IllegalArgumentException("gather: index rank " + is.length + " differs from input rank " + s.length);
        }
        for (int i = 0; i < s.length; i++) {
            if (i != a && is[i] != s[i]) {
                throw new IllegalArgumentException("gather: index shape " + Shapes.str(is) + " must match input shape "
                        + Shapes.str(s) + " except on axis " + axis);
            }
        }
        int outer = Shapes.prod(s, 0, a);
        int inner = Shapes.prod(s, a + 1, s.length);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, is);
        be.gather(x.buffer(), index.buffer(), out.buffer(), outer, s[a], inner, is[a]);
        return Tensor.record("gather", out, g -> {
            Tensor gx = Tensor.zeros(be, s);
            be.scatterAdd(g.buffer(), index.buffer(), gx.buffer(), outer, s[a], inner, is[a]);
            return new Tensor[] {gx, null};
        }, x, index);
    }
}
