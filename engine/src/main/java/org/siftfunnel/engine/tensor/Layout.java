package org.siftfunnel.engine.tensor;

import java.util.Arrays;

import org.siftfunnel.engine.backend.Backend;

/**
 * Shape and layout operations. Reshape shares the buffer; everything that reorders or
 * selects elements is one strided-copy kernel call, whose adjoint is another.
 */
final class Layout {
    private Layout() {
    }

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] target = resolve(x, newShape);
        if (Arrays.equals(target, x.shape())) {
            return x;
        }
        int[] original = x.shape();
        return Tensor.record("reshape", x.view(target), g -> new Tensor[] {g.view(original)}, x);
    }

    private static int[] resolve(Tensor x, int[] newShape) {
        int[] t = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(newShape));
                }
                infer = i;
            } else if (t[i] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(newShape));
            } else {
                known *= t[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(newShape)
                        + " for " + x.numel() + " elements of shape " + Shapes.str(x.shape()));
            }
            t[infer] = (int) (x.numel() / known);
            known *= t[infer];
        }
        if (known != x.numel()) {
            throw new IllegalArgumentException("reshape: shape " + Shapes.str(x.shape()) + " (" + x.numel()
                    + " elements) cannot become " + Arrays.toString(newShape) + " (" + known + " elements)");
        }
        return t;
    }

    static Tensor flatten(Tensor x, int startAxis) {
        int a = Shapes.axis("flatten", startAxis, x.rank());
        int[] s = x.shape();
        int[] t = Arrays.copyOf(s, a + 1);
        t[a] = Shapes.prod(s, a, s.length);
        return reshape(x, t);
    }

    static Tensor unsqueeze(Tensor x, int axis) {
        int a = axis < 0 ? axis + x.rank() + 1 : axis;
        if (a < 0 || a > x.rank()) {
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " out of range for rank " + x.rank());
        }
        int[] s = x.shape();
        int[] t = new int[s.length + 1];
        System.arraycopy(s, 0, t, 0, a);
        t[a] = 1;
        System.arraycopy(s, a, t, a + 1, s.length - a);
        return reshape(x, t);
    }

    static Tensor squeeze(Tensor x, int axis) {
        int a = Shapes.axis("squeeze", axis, x.rank());
        int[] s = x.shape();
        if (s[a] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + Shapes.str(s) + " has size " + s[a] + ", expected 1");
        }
        return reshape(x, Reductions.dropAxes(s, new int[] {a}));
    }

    static Tensor permute(Tensor x, int[] perm) {
        int rank = x.rank();
        if (perm.length != rank) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " does not list " + rank + " axes of shape " + Shapes.str(x.shape()));
        }
        boolean[] seen = new boolean[rank];
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = Shapes.axis("permute", perm[i], rank);
            if (seen[p[i]]) {
                throw new IllegalArgumentException("permute: axis " + p[i] + " repeated in " + Arrays.toString(perm));
            }
            seen[p[i]] = true;
        }
        int[] s = x.shape();
        int[] st = Shapes.strides(s);
        int[] outShape = new int[rank];
        int[] srcStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = s[p[i]];
            srcStrides[i] = st[p[i]];
        }
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, outShape);
        be.copyStrided(x.buffer(), 0, srcStrides, out.buffer(), 0, Shapes.strides(outShape), outShape);
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) {
            inverse[p[i]] = i;
        }
        return Tensor.record("permute", out, g -> new Tensor[] {permute(g, inverse)}, x);
    }

    static Tensor transpose(Tensor x, int a, int b) {
        int[] perm = new int[x.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        int ia = Shapes.axis("transpose", a, x.rank());
        int ib = Shapes.axis("transpose", b, x.rank());
        perm[ia] = ib;
        perm[ib] = ia;
        return permute(x, perm);
    }

    static Tensor slice(Tensor x, int axis, int start, int end) {
        int a = Shapes.axis("slice", axis, x.rank());
        int[] s = x.shape();
        if (start < 0 || end > s[a] || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") out of bounds for axis " + axis
                    + " of size " + s[a] + " (shape " + Shapes.str(s) + ")");
        }
        int[] outShape = s.clone();
        outShape[a] = end - start;
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, outShape);
        int[] st = Shapes.strides(s);
        be.copyStrided(x.buffer(), start * st[a], st, out.buffer(), 0, Shapes.strides(outShape), outShape);
        return Tensor.record("slice", out, g -> {
            Tensor gx = Tensor.zeros(be, s);
            be.copyStrided(g.buffer(), 0, Shapes.strides(outShape), gx.buffer(), start * st[a], st, outShape);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor expand(Tensor x, int[] target) {
        int[] s = x.shape();
        int[] b = Shapes.broadcast("expand", s, target);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException("expand: shape " + Shapes.str(s) + " cannot expand to " + Shapes.str(target));
        }
        if (Arrays.equals(s, target)) {
            return x;
        }
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, target);
        be.copyStrided(x.buffer(), 0, Shapes.broadcastStrides(s, target), out.buffer(), 0, Shapes.strides(target), target);
        return Tensor.record("expand", out, g -> new Tensor[] {g.sumTo(s)}, x);
    }

    static Tensor pad(Tensor x, int[] pads, float value) {
        int rank = x.rank();
        if (pads.length % 2 != 0 || pads.length / 2 > rank) {
            throw new IllegalArgumentException("pad: " + Arrays.toString(pads) + " must hold (before, after) pairs for at most " + rank + " axes");
        }
        int[] s = x.shape();
        int[] outShape = s.clone();
        int offset = 0;
        int[] before = new int[rank];
        for (int i = 0; i < pads.length / 2; i++) {
            int ax = rank - 1 - i;
            if (pads[2 * i] < 0 || pads[2 * i + 1] < 0) {
                throw new IllegalArgumentException("pad: negative padding " + Arrays.toString(pads));
            }
            before[ax] = pads[2 * i];
            outShape[ax] = s[ax] + pads[2 * i] + pads[2 * i + 1];
        }
        int[] outStrides = Shapes.strides(outShape);
        for (int ax = 0; ax < rank; ax++) {
            offset += before[ax] * outStrides[ax];
        }
        Backend be = x.backend();
        Tensor out = Tensor.full(be, value, outShape);
        int off = offset;
        be.copyStrided(x.buffer(), 0, Shapes.strides(s), out.buffer(), off, outStrides, s);
        return Tensor.record("pad", out, g -> {
            Tensor gx = Tensor.empty(be, s);
            be.copyStrided(g.buffer(), off, outStrides, gx.buffer(), 0, Shapes.strides(s), s);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        Tensor first = parts[0];
        int a = Shapes.axis("concat", axis, first.rank());
        int[] outShape = first.shape();
        outShape[a] = 0;
        for (Tensor p : parts) {
            first.checkSameBackend("concat", p);
            int[] s = p.shape();
            if (s.length != outShape.length) {
                throw new IllegalArgumentException("concat: ranks differ: " + Shapes.str(first.shape()) + " and " + Shapes.str(s));
            }
            for (int i = 0; i < s.length; i++) {
                if (i != a && s[i] != first.shape()[i]) {
                    throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + Shapes.str(first.shape())
                            + " and " + Shapes.str(s) + " differ on axis " + i);
                }
            }
            outShape[a] += s[a];
        }
        Backend be = first.backend();
        Tensor out = Tensor.empty(be, outShape);
        int[] outStrides = Shapes.strides(outShape);
        int[] offsets = new int[parts.length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            int[] s = parts[i].shape();
            offsets[i] = at;
            be.copyStrided(parts[i].buffer(), 0, Shapes.strides(s), out.buffer(), at * outStrides[a], outStrides, s);
            at += s[a];
        }
        return Tensor.record("concat", out, g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].requiresGrad()) {
                    int[] s = parts[i].shape();
                    Tensor gi = Tensor.empty(be, s);
                    be.copyStrided(g.buffer(), offsets[i] * outStrides[a], outStrides, gi.buffer(), 0, Shapes.strides(s), s);
                    grads[i] = gi;
                }
            }
            return grads;
        }, parts);
    }

    static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack: no tensors given");
        }
        Tensor[] expanded = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape(), parts[0].shape())) {
                throw new IllegalArgumentException("stack: shapes differ: " + Shapes.str(parts[0].shape()) + " and " + Shapes.str(parts[i].shape()));
            }
            expanded[i] = unsqueeze(parts[i], axis);
        }
        return concat(axis, expanded);
    }

    static Tensor copy(Tensor x) {
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, x.shape());
        be.copy(x.buffer(), 0, out.buffer(), 0, x.numel());
        return Tensor.record("copy", out, g -> new Tensor[] {g}, x);
    }
}
