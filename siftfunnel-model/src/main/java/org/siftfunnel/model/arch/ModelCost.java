package org.siftfunnel.model.arch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.autograd.Node;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.nn.BatchNorm;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Computational and storage cost of a module, as the paper's "edge burden": multiply-accumulate
 * operations (MACs) of one forward pass and the parameter count.
 *
 * <p><b>How MACs are counted.</b> The module runs one forward pass on a zero input that
 * requires a gradient, so that every operation downstream of the input is recorded on the
 * autograd tape; the recorded graph is then walked back from the output and each operation is
 * costed from its operand and result shapes. This sees exactly what the forward pass computes,
 * whatever its control flow (residual additions, the permutations of triplet attention),
 * without hooks in the modules. Dropout is off during the pass; no backward pass is run, and
 * the module's modes and running statistics are left as they were.
 * <ul>
 *   <li>{@code conv2d}: output elements × (C_in/groups · k_h · k_w); bias additions are not counted;</li>
 *   <li>{@code conv_transpose2d}: input elements × (C_out · k_h · k_w);</li>
 *   <li>{@code linear}, {@code matmul}, {@code bmm}: output elements × inner dimension;</li>
 *   <li>{@code batch_norm}: one per element (scale and shift fold into one multiply-add at inference);</li>
 *   <li>{@code mul} of two tensors (attention maps rescaling features): one per output element;</li>
 *   <li>everything else (activations, pooling, additions, reductions, scalar ops): free.</li>
 * </ul>
 * These are the convolution/linear MACs that tools such as ptflops report, plus the small
 * BatchNorm and attention terms the paper's cost table includes (spec §7.2). Parameters count
 * trainable values only (BatchNorm weight and bias, not its running statistics).
 *
 * <p>BatchNorm layers use batch statistics during the pass (see {@code traceForward}), so each
 * needs more than one value per channel: a 2-D BatchNorm on a 1×1 map or a 1-D one after a
 * linear layer needs a batch of at least 2 (MACs grow linearly with the batch).
 */
public final class ModelCost {
    private ModelCost() {
    }

    /**
     * The cost of one forward pass.
     *
     * @param macs        total multiply-accumulates
     * @param parameters  trainable values
     * @param macsByOp    MACs per recorded operation name (only costed operations), sorted by name
     * @param outputShape the output's shape for the given input shape
     */
    public record Cost(long macs, long parameters, Map<String, Long> macsByOp, int[] outputShape) {
        public Cost {
            macsByOp = Collections.unmodifiableMap(new TreeMap<>(macsByOp));
            outputShape = outputShape.clone();
        }

        @Override
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** MACs in millions. */
        public double megaMacs() {
            return macs / 1e6;
        }

        /** Size of the float32 parameters in MB (parameters · 4 / 1024², the paper code's convention). */
        public double parameterMegabytes() {
            return parameters * 4.0 / (1024.0 * 1024.0);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%,d MACs (%.2f M), %,d parameters (%.3f MB), output %s", macs, megaMacs(),
                    parameters, parameterMegabytes(), Arrays.toString(outputShape));
        }
    }

    /** MACs of one forward pass of {@code module} on an input of {@code inputShape} (batch axis included). */
    public static long macs(Module module, int... inputShape) {
        return measure(module, inputShape).macs();
    }

    /** Trainable parameter count of {@code module}. */
    public static long parameters(Module module) {
        return module.parameterCount();
    }

    /** The edge's cost for one sample of the model's input shape. */
    public static Cost edge(SplitModel model) {
        int[] in = model.config().inputShape();
        return measure(model.edge(), 1, in[0], in[1], in[2]);
    }

    /**
     * MACs (by operation) and parameters of one forward pass of {@code module} on an input of
     * {@code inputShape}, batch axis included ({@code [1, C, H, W]} for the per-sample cost).
     *
     * @throws IllegalArgumentException if the shape is empty or has a non-positive axis
     */
    public static Cost measure(Module module, int... inputShape) {
        if (inputShape == null || inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("ModelCost: input shape must be non-empty with positive axes, got "
                    + Arrays.toString(inputShape));
        }
        Tensor input = Tensor.zeros(backendOf(module), inputShape).requiresGrad(true);
        Tensor output = traceForward(module, input);
        Map<String, Long> byOp = new LinkedHashMap<>();
        long total = 0;
        for (Tensor t : recordedTensors(output)) {
            long m = macsOf(t.gradFn().op(), t.gradFn().inputs(), t);
            if (m > 0) {
                byOp.merge(t.gradFn().op(), m, Long::sum);
                total += m;
            }
        }
        return new Cost(total, module.parameterCount(), byOp, output.shape());
    }

    /**
     * Runs {@code module} on {@code input} with recording on, every module in evaluation mode
     * except BatchNorm layers, which run in training mode: this engine's evaluation-mode
     * BatchNorm is composed of elementwise operations, while the training-mode one is recorded
     * as a single {@code batch_norm} op. The running statistics this updates and every module's
     * mode are restored afterwards, so the module is left as it was.
     */
    private static Tensor traceForward(Module module, Tensor input) {
        Map<Module, Boolean> modes = new LinkedHashMap<>();
        for (Module m : module.namedModules().values()) {
            modes.put(m, m.isTraining());
        }
        List<Tensor> buffers = new ArrayList<>(module.namedBuffers().values());
        List<Tensor> saved = new ArrayList<>();
        try (GradMode.Scope _ = GradMode.noGrad()) {
            for (Tensor b : buffers) {
                saved.add(b.copy());
            }
        }
        try (GradMode.Scope _ = GradMode.enableGrad()) {
            module.eval();
            for (Module m : modes.keySet()) {
                if (m instanceof BatchNorm) {
                    m.train(true);
                }
            }
            return module.forward(input);
        } finally {
            // Pre-order: a parent's train(mode) also sets its children, which are restored after it.
            modes.forEach(Module::train);
            for (int i = 0; i < buffers.size(); i++) {
                buffers.get(i).copyFrom(saved.get(i));
            }
        }
    }

    /** Every tensor reachable from {@code output} through the tape that was made by a recorded op, each once. */
    private static List<Tensor> recordedTensors(Tensor output) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> pending = new ArrayDeque<>();
        List<Tensor> out = new ArrayList<>();
        pending.push(output);
        while (!pending.isEmpty()) {
            Tensor t = pending.pop();
            Node node = t.gradFn();
            // Leaves (the input, parameters, constants) end the walk.
            if (node == null || !seen.add(t)) {
                continue;
            }
            out.add(t);
            for (Tensor in : node.inputs()) {
                if (in != null) {
                    pending.push(in);
                }
            }
        }
        return out;
    }

    private static long macsOf(String op, Tensor[] in, Tensor out) {
        return switch (op) {
            case "conv2d" -> (long) out.numel() * receptive(in[1]);
            case "conv_transpose2d" -> (long) in[0].numel() * receptive(in[1]);
            case "linear", "matmul", "bmm" -> (long) out.numel() * in[0].size(-1);
            case "batch_norm" -> out.numel();
            case "mul" -> out.numel();
            default -> 0;
        };
    }

    /** Product of a weight's axes after the first (C_in·k·k for a conv, C_out·k·k for a transposed one). */
    private static long receptive(Tensor weight) {
        long r = 1;
        for (int i = 1; i < weight.rank(); i++) {
            r *= weight.size(i);
        }
        return r;
    }

    private static Backend backendOf(Module module) {
        for (Tensor t : module.stateDict().values()) {
            return t.backend();
        }
        return Backends.getDefault();
    }
}
