package org.siftfunnel.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Reverse-mode differentiation over the recorded graph: a topological sort from the root,
 * then each node's backward rule in reverse order, summing gradients where a tensor was used
 * more than once. Leaf tensors that require gradients accumulate into {@link Tensor#grad()}.
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * Back-propagates {@code gradRoot} (same shape as {@code root}) through the graph.
     *
     * @param retainGraph keep the graph so backward can run through it again
     */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): the tensor does not require grad (no input had requiresGrad, or it was computed under no-grad)");
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradRoot);
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (int t = order.size() - 1; t >= 0; t--) {
                Tensor tensor = order.get(t);
                Tensor g = grads.remove(tensor);
                Node node = tensor.gradFn();
                if (g == null) {
                    continue;
                }
                if (node == null) {
                    tensor.accumulateGrad(g);
                    continue;
                }
                if (tensor.retainsGrad()) {
                    tensor.accumulateGrad(g);
                }
                Tensor[] inputs = node.inputs();
                Tensor[] inGrads = node.backward().apply(g);
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (in == null || !in.requiresGrad() || inGrads[i] == null) {
                        continue;
                    }
                    Tensor gi = inGrads[i];
                    if (!java.util.Arrays.equals(gi.shape(), in.shape())) {
                        throw new IllegalStateException("backward rule of '" + node.op() + "' returned a gradient of shape "
                                + java.util.Arrays.toString(gi.shape()) + " for input " + i + " of shape "
                                + java.util.Arrays.toString(in.shape()));
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gi : prev.add(gi));
                }
                if (!retainGraph) {
                    node.release();
                }
            }
        }
    }

    /** Tensors reachable from root through recorded nodes, inputs before the ops that use them. */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative DFS: deep graphs (long attacks, unrolled loops) must not overflow the stack.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Node node = t.gradFn();
            Tensor[] inputs = node == null ? new Tensor[0] : node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
