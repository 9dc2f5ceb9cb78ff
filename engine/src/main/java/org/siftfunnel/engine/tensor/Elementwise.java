package org.siftfunnel.engine.tensor;

import java.util.Arrays;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.UnaryOp;

/** Elementwise operations with NumPy broadcasting, and their backward rules. */
final class Elementwise {
    private Elementwise() {
    }

    static Tensor unary(UnaryOp op, Tensor x, float p0, float p1) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.shape());
        be.unary(op, x.buffer(), y.buffer(), x.numel(), p0, p1);
        return Tensor.record(op.name().toLowerCase(), y, g -> {
            Tensor gx = Tensor.empty(be, x.shape());
            be.unaryBackward(op, x.buffer(), y.buffer(), g.buffer(), gx.buffer(), x.numel(), p0, p1);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        a.checkSameBackend(name, b);
        if (b.numel() == 1 && b.rank() <= a.rank() && !b.requiresGrad()) {
            // A constant scalar operand: avoid the broadcast machinery.
            return scalarConst(op, a, b);
        }
        int[] outShape = Shapes.broadcast(name, a.shape(), b.shape());
        Backend be = a.backend();
        Tensor out = Tensor.empty(be, outShape);
        be.binary(op, a.buffer(), Shapes.broadcastStrides(a.shape(), outShape),
                b.buffer(), Shapes.broadcastStrides(b.shape(), outShape), out.buffer(), outShape);
        if (op.isComparison()) {
            return out;
        }
        return Tensor.record(name, out, g -> binaryBackward(op, a, b, out, g), a, b);
    }

    private static Tensor scalarConst(BinaryOp op, Tensor a, Tensor b) {
        return scalar(op, a, b.item(), false);
    }

    private static Tensor[] binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor out, Tensor g) {
        Tensor ga = null;
        Tensor gb = null;
        boolean needA = a.requiresGrad();
        boolean needB = b.requiresGrad();
        switch (op) {
            case ADD -> {
                ga = needA ? g : null;
                gb = needB ? g : null;
            }
            case SUB -> {
                ga = needA ? g : null;
                gb = needB ? g.neg() : null;
            }
            case MUL -> {
                ga = needA ? g.mul(b) : null;
                gb = needB ? g.mul(a) : null;
            }
            case DIV -> {
                ga = needA ? g.div(b) : null;
                gb = needB ? g.mul(out).div(b).neg() : null;
            }
            case POW -> {
                ga = needA ? g.mul(b).mul(a.pow(b.sub(1f))) : null;
                gb = needB ? g.mul(out).mul(a.log()) : null;
            }
            case MAX, MIN -> {
                // Ties split the gradient evenly, as PyTorch does.
                Tensor aWins = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
                Tensor tie = a.eq(b).mul(0.5f);
                ga = needA ? g.mul(aWins.add(tie)) : null;
                gb = needB ? g.mul(aWins.rsub(1f).sub(tie)) : null;
            }
            default -> throw new IllegalStateException("no gradient for " + op);
        }
        return new Tensor[] {
            ga == null ? null : ga.sumTo(a.shape()),
            gb == null ? null : gb.sumTo(b.shape())
        };
    }

    static Tensor scalar(BinaryOp op, Tensor x, float s, boolean scalarFirst) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.shape());
        be.binaryScalar(op, x.buffer(), s, scalarFirst, y.buffer(), x.numel());
        if (op.isComparison()) {
            return y;
        }
        String name = op.name().toLowerCase() + "_scalar";
        return Tensor.record(name, y, g -> new Tensor[] {scalarBackward(op, x, s, scalarFirst, y, g)}, x);
    }

    private static Tensor scalarBackward(BinaryOp op, Tensor x, float s, boolean scalarFirst, Tensor y, Tensor g) {
        return switch (op) {
            case ADD -> g;
            case SUB -> scalarFirst ? g.neg() : g;
            case MUL -> g.mul(s);
            case DIV -> scalarFirst ? g.mul(y).div(x).neg() : g.div(s);
            case POW -> scalarFirst ? g.mul(y).mul((float) Math.log(s)) : g.mul(x.pow(s - 1f)).mul(s);
            case MAX, MIN -> {
                Tensor wins = op == BinaryOp.MAX ? x.gt(s) : x.lt(s);
                Tensor tie = x.eq(s).mul(0.5f);
                yield g.mul(wins.add(tie));
            }
            default -> throw new IllegalStateException("no gradient for " + op);
        };
    }

    static boolean sameShape(Tensor a, Tensor b) {
        return Arrays.equals(a.shape(), b.shape());
    }
}
