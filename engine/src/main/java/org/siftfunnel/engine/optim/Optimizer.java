package org.siftfunnel.engine.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Base of the optimisers: a fixed list of parameters, the current learning rate, a step
 * counter and per-parameter state tensors ("slots", such as Adam's moments), created lazily
 * the first time a parameter receives a gradient, as PyTorch does. Parameters whose gradient
 * is null are skipped by {@link #step()} and their state is left untouched.
 *
 * <p>{@link #state()} exports everything needed to continue a run bit-for-bit: {@code lr},
 * {@code step} (both shape [1]), and per parameter {@code param.<i>.step} (how many updates
 * parameter i received) and {@code param.<i>.<slot>} (same shape as the parameter). Counts are
 * stored as float32, exact up to 2^24 steps.
 */
public abstract class Optimizer {
    /** Largest count a float32 holds exactly. */
    private static final long MAX_EXACT_COUNT = 1L << 24;

    private final String name;
    private final List<Tensor> params;
    private final List<Map<String, Tensor>> slots;
    private final long[] parameterSteps;
    private float lr;
    private long steps;

    protected Optimizer(String name, List<Tensor> params, float lr) {
        this.name = name;
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(name + ": the parameter list is empty");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) {
                throw new IllegalArgumentException(name + ": parameter " + i + " is null");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": parameter " + i + " of shape " + Arrays.toString(p.shape())
                        + " is not a leaf tensor (it was computed by '" + p.gradFn().op() + "'); optimise the leaf instead");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name + ": parameter " + i + " appears more than once in the list");
            }
        }
        this.params = List.copyOf(params);
        this.slots = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            slots.add(new LinkedHashMap<>());
        }
        this.parameterSteps = new long[params.size()];
        setLr(lr);
    }

    /** The optimised parameters, in order. */
    public List<Tensor> params() {
        return params;
    }

    public float lr() {
        return lr;
    }

    /** Sets the learning rate used from the next step on (schedulers call this). */
    public void setLr(float lr) {
        if (!(lr >= 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException(name + ": learning rate must be finite and ≥ 0, got " + lr);
        }
        this.lr = lr;
    }

    /** How many times {@link #step()} ran. */
    public long stepCount() {
        return steps;
    }

    /** Clears every parameter's gradient (sets it to null, as PyTorch's set_to_none). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                if (g.numel() != p.numel() || g.backend() != p.backend()) {
                    throw new IllegalStateException(name + ": gradient of parameter " + i + " has shape "
                            + Arrays.toString(g.shape()) + " on " + g.backend().name() + ", parameter is "
                            + Arrays.toString(p.shape()) + " on " + p.backend().name());
                }
                parameterSteps[i]++;
                update(i, p, g);
            }
        }
        steps++;
    }

    /**
     * Updates parameter {@code index} in place from its gradient. {@link #parameterStep(int)}
     * already counts this update (1 on the parameter's first update).
     */
    protected abstract void update(int index, Tensor param, Tensor grad);

    /** The names of the per-parameter state tensors this optimiser may keep. */
    protected abstract Set<String> slotNames();

    /** How many updates parameter {@code index} has received, including the current one inside update(). */
    protected final long parameterStep(int index) {
        return parameterSteps[index];
    }

    /** The state tensor {@code slot} of a parameter, or null before it was created. */
    protected final Tensor slot(int index, String slot) {
        return slots.get(index).get(slot);
    }

    /** The state tensor {@code slot} of a parameter, created as zeros of the parameter's shape if absent. */
    protected final Tensor slotOrZeros(int index, String slot) {
        return slots.get(index).computeIfAbsent(slot, k -> {
            Tensor p = params.get(index);
            return Tensor.zeros(p.backend(), p.shape());
        });
    }

    // ================================================================ checkpoints

    /** A copy of the optimiser's state (see the class comment for the keys). */
    public Map<String, Tensor> state() {
        if (steps > MAX_EXACT_COUNT) {
            throw new IllegalStateException(name + ": " + steps + " steps exceed the 2^24 a float32 step count holds exactly");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.of(new float[] {lr}, 1));
        out.put("step", Tensor.of(new float[] {steps}, 1));
        for (int i = 0; i < params.size(); i++) {
            if (parameterSteps[i] > 0) {
                out.put(key(i, "step"), Tensor.of(new float[] {parameterSteps[i]}, 1));
            }
            for (Map.Entry<String, Tensor> e : slots.get(i).entrySet()) {
                Tensor v = e.getValue();
                out.put(key(i, e.getKey()), Tensor.empty(v.backend(), v.shape()).copyFrom(v));
            }
        }
        return out;
    }

    /**
     * Replaces the optimiser's state with {@code state} (as exported by {@link #state()} from
     * an optimiser of the same kind over parameters of the same shapes). The tensors are
     * copied. Unknown keys, shape mismatches and non-integral counts are errors.
     */
    public void loadState(Map<String, Tensor> state) {
        if (state == null) {
            throw new IllegalArgumentException(name + ": loadState(null)");
        }
        float newLr = scalar(state, "lr");
        long newSteps = count(state, "step");
        long[] newParameterSteps = new long[params.size()];
        List<Map<String, Tensor>> newSlots = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            newSlots.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = e.getKey();
            if (k.equals("lr") || k.equals("step")) {
                continue;
            }
            String[] parts = k.split("\\.", 3);
            int index = parts.length == 3 && parts[0].equals("param") ? parseIndex(parts[1]) : -1;
            if (index < 0) {
                throw new IllegalArgumentException(name + ": unexpected state entry '" + k + "' (expected lr, step or param.<i>.<name>"
                        + " for " + params.size() + " parameters)");
            }
            if (parts[2].equals("step")) {
                newParameterSteps[index] = count(state, k);
                continue;
            }
            if (!slotNames().contains(parts[2])) {
                throw new IllegalArgumentException(name + ": unexpected state entry '" + k + "'; this optimiser keeps "
                        + slotNames());
            }
            Tensor p = params.get(index);
            Tensor v = e.getValue();
            if (!Arrays.equals(v.shape(), p.shape())) {
                throw new IllegalArgumentException(name + ": state '" + k + "' has shape " + Arrays.toString(v.shape())
                        + " but parameter " + index + " is " + Arrays.toString(p.shape()));
            }
            newSlots.get(index).put(parts[2], Tensor.empty(p.backend(), p.shape()).copyFrom(v));
        }
        for (int i = 0; i < params.size(); i++) {
            if (!newSlots.get(i).isEmpty() && newParameterSteps[i] == 0) {
                throw new IllegalArgumentException(name + ": state has " + newSlots.get(i).keySet() + " for parameter " + i
                        + " but no positive '" + key(i, "step") + "'");
            }
        }
        setLr(newLr);
        steps = newSteps;
        System.arraycopy(newParameterSteps, 0, parameterSteps, 0, parameterSteps.length);
        for (int i = 0; i < params.size(); i++) {
            slots.get(i).clear();
            slots.get(i).putAll(newSlots.get(i));
        }
    }

    private static String key(int index, String slot) {
        return "param." + index + "." + slot;
    }

    private int parseIndex(String text) {
        try {
            int i = Integer.parseInt(text);
            return i >= 0 && i < params.size() ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private float scalar(Map<String, Tensor> state, String key) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalArgumentException(name + ": state has no '" + key + "' entry (keys: " + state.keySet() + ")");
        }
        if (t.numel() != 1) {
            throw new IllegalArgumentException(name + ": state '" + key + "' must hold one value, got shape "
                    + Arrays.toString(t.shape()));
        }
        return t.item();
    }

    private long count(Map<String, Tensor> state, String key) {
        float v = scalar(state, key);
        if (!(v >= 0f) || v != Math.rint(v)) {
            throw new IllegalArgumentException(name + ": state '" + key + "' must be a whole count ≥ 0, got " + v);
        }
        return (long) v;
    }
}
