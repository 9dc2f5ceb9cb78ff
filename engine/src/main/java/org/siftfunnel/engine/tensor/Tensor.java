package org.siftfunnel.engine.tensor;

import java.util.Arrays;
import java.util.Objects;

import org.siftfunnel.engine.autograd.Autograd;
import org.siftfunnel.engine.autograd.BackwardFunction;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.autograd.Node;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.DeviceBuffer;
import org.siftfunnel.engine.backend.UpsampleMode;
import org.siftfunnel.engine.random.RandomSource;

/**
 * A float32 tensor: a shape and a contiguous row-major buffer on one backend, plus the
 * autograd state (whether it requires a gradient, its accumulated gradient and the op that
 * made it). Reshape is free (it shares the buffer); permute, slice, concat and pad copy.
 * Crossing devices is explicit: {@link #to(Backend)}.
 *
 * <p>Operations are methods here (thin delegates to the op classes of this package) so that
 * model code reads like the maths: {@code x.conv2d(w, b, 1, 1).relu().maxPool2d(2)}.
 */
public final class Tensor {
    private final Backend backend;
    private final DeviceBuffer buffer;
    private final int[] shape;
    private final int numel;
    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    private Node gradFn;

    Tensor(Backend backend, DeviceBuffer buffer, int[] shape) {
        this.backend = backend;
        this.buffer = buffer;
        this.shape = shape.clone();
        this.numel = Shapes.numel(shape);
        if (buffer.size() < numel) {
            throw new IllegalArgumentException("buffer of " + buffer.size() + " floats is too small for shape " + Shapes.str(shape));
        }
    }

    // ================================================================ creation

    /** Wraps an existing buffer (for backends and I/O code); the buffer is not copied. */
    public static Tensor wrap(DeviceBuffer buffer, int... shape) {
        Shapes.checkValid("wrap", shape);
        return new Tensor(buffer.backend(), buffer, shape);
    }

    public static Tensor empty(Backend backend, int... shape) {
        Shapes.checkValid("empty", shape);
        return new Tensor(backend, backend.allocate(Shapes.numel(shape)), shape);
    }

    public static Tensor zeros(int... shape) {
        return zeros(Backends.getDefault(), shape);
    }

    public static Tensor zeros(Backend backend, int... shape) {
        Shapes.checkValid("zeros", shape); // named here so the error names the call the user made
        return empty(backend, shape);
    }

    public static Tensor ones(int... shape) {
        return ones(Backends.getDefault(), shape);
    }

    public static Tensor ones(Backend backend, int... shape) {
        Shapes.checkValid("ones", shape);
        return full(backend, 1f, shape);
    }

    public static Tensor full(Backend backend, float value, int... shape) {
        Shapes.checkValid("full", shape);
        Tensor t = empty(backend, shape);
        if (value != 0f) {
            backend.fill(t.buffer, 0, t.numel, value);
        }
        return t;
    }

    public static Tensor scalar(float value) {
        return of(Backends.getDefault(), new float[] {value});
    }

    /** A tensor holding a copy of {@code data}, on the default backend. */
    public static Tensor of(float[] data, int... shape) {
        return of(Backends.getDefault(), data, shape);
    }

    public static Tensor of(Backend backend, float[] data, int... shape) {
        if (shape.length == 0) {
            shape = new int[] {data.length};
        }
        Shapes.checkValid("of", shape);
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shapes.str(shape)
                    + " (" + Shapes.numel(shape) + " elements)");
        }
        return new Tensor(backend, backend.upload(data), shape);
    }

    /** 0, 1, ..., n−1. */
    public static Tensor arange(Backend backend, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return of(backend, d, n);
    }

    public static Tensor rand(Backend backend, RandomSource rng, float lo, float hi, int... shape) {
        Tensor t = empty(backend, shape);
        backend.randomUniform(t.buffer, t.numel, rng.seed(), rng.reserve(t.numel), lo, hi);
        return t;
    }

    public static Tensor randn(Backend backend, RandomSource rng, float mean, float std, int... shape) {
        Tensor t = empty(backend, shape);
        backend.randomNormal(t.buffer, t.numel, rng.seed(), rng.reserve(t.numel), mean, std);
        return t;
    }

    public static Tensor bernoulli(Backend backend, RandomSource rng, float p, int... shape) {
        Tensor t = empty(backend, shape);
        backend.randomBernoulli(t.buffer, t.numel, rng.seed(), rng.reserve(t.numel), p);
        return t;
    }

    public Tensor zerosLike() {
        return empty(backend, shape);
    }

    public Tensor onesLike() {
        return full(backend, 1f, shape);
    }

    // ================================================================ data access

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of one axis (negative counts from the end). */
    public int size(int axis) {
        return shape[Shapes.axis("size", axis, shape.length)];
    }

    public int numel() {
        return numel;
    }

    public Backend backend() {
        return backend;
    }

    public DeviceBuffer buffer() {
        return buffer;
    }

    /** Copies the values to a host array. */
    public float[] toArray() {
        float[] out = new float[numel];
        backend.download(buffer, 0, out, 0, numel);
        return out;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel != 1) {
            throw new IllegalStateException("item(): tensor of shape " + Shapes.str(shape) + " has " + numel + " elements, expected 1");
        }
        float[] v = new float[1];
        backend.download(buffer, 0, v, 0, 1);
        return v[0];
    }

    /** One element by its full index (slow: one transfer per call). */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: index of rank " + index.length + " for a tensor of shape " + Shapes.str(shape));
        }
        int[] st = Shapes.strides(shape);
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " out of bounds for shape " + Shapes.str(shape));
            }
            off += index[i] * st[i];
        }
        float[] v = new float[1];
        backend.download(buffer, off, v, 0, 1);
        return v[0];
    }

    /** A copy on another backend (no autograd link: crossing devices is an explicit boundary). */
    public Tensor to(Backend target) {
        if (target == backend) {
            return this;
        }
        return new Tensor(target, target.upload(toArray()), shape);
    }

    // ================================================================ in-place updates (no autograd)

    /** Overwrites this tensor's values with {@code src}'s (same number of elements); not recorded. */
    public Tensor copyFrom(Tensor src) {
        if (src.numel != numel) {
            throw new IllegalArgumentException("copyFrom: source shape " + Shapes.str(src.shape) + " does not match " + Shapes.str(shape));
        }
        if (src.backend == backend) {
            backend.copy(src.buffer, 0, buffer, 0, numel);
        } else {
            backend.write(src.toArray(), 0, buffer, 0, numel);
        }
        return this;
    }

    /** Overwrites this tensor's values from a host array; not recorded. */
    public Tensor copyFrom(float[] values) {
        if (values.length != numel) {
            throw new IllegalArgumentException("copyFrom: " + values.length + " values for shape " + Shapes.str(shape));
        }
        backend.write(values, 0, buffer, 0, numel);
        return this;
    }

    public Tensor fill(float value) {
        backend.fill(buffer, 0, numel, value);
        return this;
    }

    // ================================================================ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as a variable whose gradient backward() accumulates. Returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor made by '" + gradFn.op() + "'; use detach()");
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient, or null before any backward pass reached this tensor. */
    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        this.grad = g;
    }

    public void zeroGrad() {
        this.grad = null;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Also keep the gradient of this non-leaf tensor during backward. */
    public Tensor retainGrad() {
        this.retainGrad = true;
        return this;
    }

    public boolean retainsGrad() {
        return retainGrad;
    }

    /** Adds {@code g} into {@link #grad()} (used by the autograd engine). */
    public void accumulateGrad(Tensor g) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            grad = grad == null ? g.contiguousCopyIfShared(this) : grad.add(g);
        }
    }

    private Tensor contiguousCopyIfShared(Tensor owner) {
        // A gradient must never alias the tensor it belongs to, nor a tensor the caller still
        // holds (e.g. the upstream gradient passed to backward): copy it once.
        Tensor copy = empty(backend, shape);
        backend.copy(buffer, 0, copy.buffer, 0, numel);
        return copy;
    }

    /** The same values, cut from the graph: no gradient flows through it. Shares the buffer. */
    public Tensor detach() {
        return new Tensor(backend, buffer, shape);
    }

    /** Back-propagates from this scalar (one-element) tensor. */
    public void backward() {
        if (numel != 1) {
            throw new IllegalStateException("backward(): needs a one-element (scalar) tensor, got shape " + Shapes.str(shape)
                    + "; pass an upstream gradient with backward(Tensor)");
        }
        Autograd.backward(this, onesLike(), false);
    }

    /** Back-propagates an explicit upstream gradient of this tensor's shape. */
    public void backward(Tensor upstream) {
        backward(upstream, false);
    }

    public void backward(Tensor upstream, boolean retainGraph) {
        if (!Arrays.equals(upstream.shape, shape)) {
            throw new IllegalArgumentException("backward: upstream gradient shape " + Shapes.str(upstream.shape)
                    + " does not match tensor shape " + Shapes.str(shape));
        }
        Autograd.backward(this, upstream, retainGraph);
    }

    /**
     * Records {@code out} as produced by {@code op} from {@code inputs} when any input requires
     * a gradient and recording is on. Returns {@code out}.
     */
    public static Tensor record(String op, Tensor out, BackwardFunction backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return out;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad) {
                out.requiresGrad = true;
                out.gradFn = new Node(op, inputs, backward);
                return out;
            }
        }
        return out;
    }

    /** A tensor sharing this one's buffer with a new shape of the same size (used by reshape). */
    Tensor view(int[] newShape) {
        return new Tensor(backend, buffer, newShape);
    }

    void checkSameBackend(String op, Tensor other) {
        if (other.backend != backend) {
            throw new IllegalArgumentException(op + ": tensors live on different devices (" + backend.name() + " and "
                    + other.backend.name() + "); move one with to(backend)");
        }
    }

    // ================================================================ elementwise

    public Tensor add(Tensor o) { return Elementwise.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return Elementwise.binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary(BinaryOp.MAX, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary(BinaryOp.MIN, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.binary(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.binary(BinaryOp.GE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.binary(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.binary(BinaryOp.LE, this, o); }
    public Tensor eq(Tensor o) { return Elementwise.binary(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.binary(BinaryOp.NE, this, o); }

    public Tensor add(float s) { return Elementwise.scalar(BinaryOp.ADD, this, s, false); }
    public Tensor sub(float s) { return Elementwise.scalar(BinaryOp.SUB, this, s, false); }
    /** {@code s − this}. */
    public Tensor rsub(float s) { return Elementwise.scalar(BinaryOp.SUB, this, s, true); }
    public Tensor mul(float s) { return Elementwise.scalar(BinaryOp.MUL, this, s, false); }
    public Tensor div(float s) { return Elementwise.scalar(BinaryOp.DIV, this, s, false); }
    /** {@code s / this}. */
    public Tensor rdiv(float s) { return Elementwise.scalar(BinaryOp.DIV, this, s, true); }
    public Tensor maximum(float s) { return Elementwise.scalar(BinaryOp.MAX, this, s, false); }
    public Tensor minimum(float s) { return Elementwise.scalar(BinaryOp.MIN, this, s, false); }
    public Tensor gt(float s) { return Elementwise.scalar(BinaryOp.GT, this, s, false); }
    public Tensor ge(float s) { return Elementwise.scalar(BinaryOp.GE, this, s, false); }
    public Tensor lt(float s) { return Elementwise.scalar(BinaryOp.LT, this, s, false); }
    public Tensor le(float s) { return Elementwise.scalar(BinaryOp.LE, this, s, false); }
    public Tensor eq(float s) { return Elementwise.scalar(BinaryOp.EQ, this, s, false); }
    public Tensor ne(float s) { return Elementwise.scalar(BinaryOp.NE, this, s, false); }

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this, 0, 0); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this, 0, 0); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this, 0, 0); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this, 0, 0); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this, 0, 0); }
    public Tensor square() { return Elementwise.unary(UnaryOp.SQUARE, this, 0, 0); }
    public Tensor reciprocal() { return Elementwise.unary(UnaryOp.RECIPROCAL, this, 0, 0); }
    public Tensor sign() { return Elementwise.unary(UnaryOp.SIGN, this, 0, 0); }
    public Tensor pow(float exponent) { return Elementwise.unary(UnaryOp.POW, this, exponent, 0); }
    public Tensor clamp(float min, float max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        }
        return Elementwise.unary(UnaryOp.CLAMP, this, min, max);
    }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this, 0, 0); }
    public Tensor leakyRelu(float slope) { return Elementwise.unary(UnaryOp.LEAKY_RELU, this, slope, 0); }
    public Tensor silu() { return Elementwise.unary(UnaryOp.SILU, this, 0, 0); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this, 0, 0); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this, 0, 0); }
    /** PyTorch's softplus with beta 1, threshold 20. */
    public Tensor softplus() { return softplus(1f, 20f); }
    public Tensor softplus(float beta, float threshold) { return Elementwise.unary(UnaryOp.SOFTPLUS, this, beta, threshold); }
    public Tensor elu(float alpha) { return Elementwise.unary(UnaryOp.ELU, this, alpha, 0); }

    // ================================================================ reductions

    /** Sum of all elements, shape [1]. */
    public Tensor sum() { return Reductions.sumAll(this); }
    public Tensor sum(int axis, boolean keepDim) { return Reductions.sum(this, new int[] {axis}, keepDim); }
    public Tensor sum(int[] axes, boolean keepDim) { return Reductions.sum(this, axes, keepDim); }
    public Tensor mean() { return Reductions.sumAll(this).div(numel); }
    public Tensor mean(int axis, boolean keepDim) { return Reductions.mean(this, new int[] {axis}, keepDim); }
    public Tensor mean(int[] axes, boolean keepDim) { return Reductions.mean(this, axes, keepDim); }
    public Tensor max(int axis, boolean keepDim) { return Reductions.extreme(this, axis, keepDim, true); }
    public Tensor min(int axis, boolean keepDim) { return Reductions.extreme(this, axis, keepDim, false); }
    public Tensor max() { return Reductions.extreme(reshape(numel), 0, false, true).reshape(1); }
    public Tensor min() { return Reductions.extreme(reshape(numel), 0, false, false).reshape(1); }
    /** Indices (as floats) of the maxima along an axis; not differentiable. */
    public Tensor argmax(int axis, boolean keepDim) { return Reductions.argExtreme(this, axis, keepDim, true); }
    public Tensor argmin(int axis, boolean keepDim) { return Reductions.argExtreme(this, axis, keepDim, false); }
    public Tensor var(int[] axes, boolean unbiased, boolean keepDim) { return Reductions.var(this, axes, unbiased, keepDim); }
    public Tensor std(int[] axes, boolean unbiased, boolean keepDim) { return Reductions.var(this, axes, unbiased, keepDim).sqrt(); }
    /** Sums broadcast axes away so the result has {@code target} shape (the adjoint of broadcasting). */
    public Tensor sumTo(int... target) { return Reductions.sumTo(this, target); }

    // ================================================================ layout

    /** Same data, new shape; one axis may be −1. Free: shares the buffer. */
    public Tensor reshape(int... newShape) { return Layout.reshape(this, newShape); }
    /** Flattens axes from {@code startAxis} on into one. */
    public Tensor flatten(int startAxis) { return Layout.flatten(this, startAxis); }
    public Tensor flatten() { return reshape(numel); }
    public Tensor unsqueeze(int axis) { return Layout.unsqueeze(this, axis); }
    public Tensor squeeze(int axis) { return Layout.squeeze(this, axis); }
    public Tensor permute(int... perm) { return Layout.permute(this, perm); }
    public Tensor transpose(int a, int b) { return Layout.transpose(this, a, b); }
    /** Elements {@code [start, end)} along an axis (a copy). */
    public Tensor slice(int axis, int start, int end) { return Layout.slice(this, axis, start, end); }
    /** Materialises a broadcast to {@code target}. */
    public Tensor expand(int... target) { return Layout.expand(this, target); }
    /** Pads the last axes; {@code pads} lists (before, after) pairs from the last axis backwards, like torch.nn.functional.pad. */
    public Tensor pad(int[] pads, float value) { return Layout.pad(this, pads, value); }
    public static Tensor concat(int axis, Tensor... parts) { return Layout.concat(axis, parts); }
    public static Tensor stack(int axis, Tensor... parts) { return Layout.stack(axis, parts); }
    /** A contiguous copy that shares nothing with this tensor (recorded: gradient flows). */
    public Tensor copy() { return Layout.copy(this); }

    // ================================================================ linear algebra

    /** Matrix product: [m,k]·[k,n], batched [b,m,k]·[b,k,n] or [b,m,k]·[k,n]. */
    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }
    /** {@code x·wᵀ + b} with w [out, in] (PyTorch's Linear layout); b may be null. */
    public Tensor linear(Tensor w, Tensor b) { return LinearAlgebra.linear(this, w, b); }
    /** Squared Euclidean distances between the rows of a [n, d] tensor, [n, n]. */
    public Tensor pairwiseSquaredDistances() { return LinearAlgebra.pairwiseSquaredDistances(this); }

    // ================================================================ convolution, pooling, resampling

    public Tensor conv2d(Tensor w, Tensor b, int stride, int padding) { return Convolutions.conv2d(this, w, b, stride, padding, 1); }
    public Tensor conv2d(Tensor w, Tensor b, int stride, int padding, int dilation) { return Convolutions.conv2d(this, w, b, stride, padding, dilation); }
    /** Transposed convolution with weight [Cin, Cout, kH, kW]. */
    public Tensor convTranspose2d(Tensor w, Tensor b, int stride, int padding, int outputPadding) {
        return Convolutions.convTranspose2d(this, w, b, stride, padding, outputPadding, 1);
    }
    public Tensor maxPool2d(int kernel) { return Pooling.maxPool2d(this, kernel, kernel, 0); }
    public Tensor maxPool2d(int kernel, int stride, int padding) { return Pooling.maxPool2d(this, kernel, stride, padding); }
    public Tensor avgPool2d(int kernel) { return Pooling.avgPool2d(this, kernel, kernel, 0); }
    public Tensor avgPool2d(int kernel, int stride, int padding) { return Pooling.avgPool2d(this, kernel, stride, padding); }
    /** Adaptive average pooling to 1×1: [N, C, H, W] → [N, C, 1, 1]. */
    public Tensor adaptiveAvgPool1() { return Pooling.adaptivePool1(this, false); }
    /** Adaptive max pooling to 1×1. */
    public Tensor adaptiveMaxPool1() { return Pooling.adaptivePool1(this, true); }
    public Tensor upsample(UpsampleMode mode, int scale) { return Pooling.upsample(this, mode, scale); }

    // ================================================================ normalisation and probabilities

    public Tensor softmax(int axis) { return Normalization.softmax(this, axis, false); }
    public Tensor logSoftmax(int axis) { return Normalization.softmax(this, axis, true); }

    /** Gathers along an axis: {@code out[..., j, ...] = this[..., index[..., j, ...], ...]}. */
    public Tensor gather(int axis, Tensor index) { return Indexing.gather(this, axis, index); }

    /** Zeroes elements with probability p and scales the rest by 1/(1−p) (when training). */
    public Tensor dropout(float p, boolean training, RandomSource rng) { return Normalization.dropout(this, p, training, rng, true); }

    // ================================================================ misc

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append(" on ").append(backend.name());
        if (requiresGrad) {
            sb.append(gradFn == null ? " (requires grad)" : " (grad_fn=" + gradFn.op() + ")");
        }
        if (numel <= 16) {
            sb.append(' ').append(Arrays.toString(toArray()));
        }
        return sb.toString();
    }

    /** True when both tensors have the same shape and values within {@code atol + rtol·|other|}. */
    public boolean allClose(Tensor other, float rtol, float atol) {
        Objects.requireNonNull(other);
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        float[] a = toArray();
        float[] b = other.toArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
                return false;
            }
        }
        return true;
    }
}
