package org.siftfunnel.engine.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * A layer or a model: named parameters (leaf tensors that require a gradient), named buffers
 * (state that is saved but not trained, such as BatchNorm running statistics) and named child
 * modules, all kept in registration order.
 *
 * <p>State-dict names follow PyTorch: a module's own parameters, then its own buffers, then
 * each child's entries prefixed with the child's name and a dot ({@code block1.0.weight},
 * {@code bn.running_mean}). Keys ending in {@code num_batches_tracked} are accepted on load
 * and ignored: the momentum form of BatchNorm never reads that counter.
 *
 * <p>Subclasses must fetch their tensors through {@link #parameter(String)} and
 * {@link #buffer(String)} on every call rather than caching them in fields, because
 * {@link #to(Backend)} replaces them. Child modules may be cached in fields.
 *
 * <p>Thread safety: {@link #forward(Tensor)} must keep no per-call state in fields, so several
 * threads may run one module concurrently in eval mode under
 * {@link org.siftfunnel.engine.autograd.GradMode#noGrad()}. Training-mode forward passes update
 * BatchNorm running statistics in place and are therefore not safe to run concurrently;
 * neither are {@link #to(Backend)}, {@link #train()} / {@link #eval()} or loading.
 */
public abstract class Module {
    private static final String IGNORED_SUFFIX = "num_batches_tracked";

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private volatile boolean training = true;

    /** Applies the module to one input. */
    public abstract Tensor forward(Tensor input);

    // ================================================================ registration

    /** Registers a trainable leaf tensor under {@code name} and marks it as requiring a gradient. */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkNewName(name);
        if (!value.isLeaf()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be a leaf tensor, got one made by '" + value.gradFn().op() + "'");
        }
        parameters.put(name, value.requiresGrad(true));
        return value;
    }

    /** Registers a saved, untrained tensor (e.g. running statistics) under {@code name}. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkNewName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module under {@code name}; its entries are prefixed with {@code name.}. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkNewName(name);
        if (module == this) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a module cannot be its own child ('" + name + "')");
        }
        children.put(name, module);
        return module;
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (names must be non-empty and contain no '.')");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    /** This module's own parameter called {@code name}. */
    protected final Tensor parameter(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no parameter '" + name + "' (it has "
                    + parameters.keySet() + ")");
        }
        return t;
    }

    /** This module's own parameter called {@code name}, or null when it was not registered (e.g. no bias). */
    protected final Tensor parameterOrNull(String name) {
        return parameters.get(name);
    }

    /** This module's own buffer called {@code name}. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no buffer '" + name + "' (it has "
                    + buffers.keySet() + ")");
        }
        return t;
    }

    // ================================================================ traversal

    /** The direct children in registration order. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module (named "") and every descendant, depth first, with dotted names. */
    public final LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((n, c) -> c.collectModules(name.isEmpty() ? n : name + "." + n, out));
    }

    /**
     * The random sources this module itself draws from while it runs (dropout masks, sampled
     * noise); none unless a layer overrides it.
     */
    protected List<RandomSource> ownRandomSources() {
        return List.of();
    }

    /**
     * Every random source of this module and its descendants, named {@code module#i} (the
     * module's dotted name, {@code i} its index among that module's own sources), depth first;
     * each source once. A training checkpoint keeps their positions so that a resumed run draws
     * what an uninterrupted one draws.
     */
    public final LinkedHashMap<String, RandomSource> namedRandomSources() {
        LinkedHashMap<String, RandomSource> out = new LinkedHashMap<>();
        Set<RandomSource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((name, m) -> {
            List<RandomSource> own = m.ownRandomSources();
            for (int i = 0; i < own.size(); i++) {
                if (seen.add(own.get(i))) {
                    out.put((name.isEmpty() ? "" : name) + "#" + i, own.get(i));
                }
            }
        });
        return out;
    }

    /** The positions of {@link #namedRandomSources()}, by the same names (for checkpoints and snapshots). */
    public final LinkedHashMap<String, Long> randomPositions() {
        LinkedHashMap<String, Long> out = new LinkedHashMap<>();
        namedRandomSources().forEach((k, v) -> out.put(k, v.position()));
        return out;
    }

    /**
     * Puts every random source back at the position {@link #randomPositions()} gave.
     *
     * @throws IllegalArgumentException when the names are not exactly this module's sources
     */
    public final void seekRandomSources(Map<String, Long> positions) {
        LinkedHashMap<String, RandomSource> sources = namedRandomSources();
        if (!sources.keySet().equals(positions.keySet())) {
            throw new IllegalArgumentException("the saved random streams " + positions.keySet() + " are not those of "
                    + getClass().getSimpleName() + ", which has " + sources.keySet());
        }
        sources.forEach((k, v) -> v.seek(positions.get(k)));
    }

    /**
     * Every parameter with its dotted name, in state-dict order. The tensors are the live leaves
     * (an optimiser reads their gradients); a tensor shared by two modules appears once, under
     * its first name.
     */
    public final LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> all = new LinkedHashMap<>();
        collect("", all, true, false);
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        all.forEach((n, t) -> {
            if (seen.add(t)) {
                out.put(n, t);
            }
        });
        return out;
    }

    /** The parameters in state-dict order, each once. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer with its dotted name (the live tensors). */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** Number of trainable values (elements of all parameters, shared ones counted once). */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs) {
        if (params) {
            parameters.forEach((n, t) -> out.put(prefix + n, t));
        }
        if (bufs) {
            buffers.forEach((n, t) -> out.put(prefix + n, t));
        }
        children.forEach((n, c) -> c.collect(prefix + n + ".", out, params, bufs));
    }

    // ================================================================ state dict

    /**
     * Parameters and buffers by PyTorch-style dotted name: per module its parameters, then its
     * buffers, then its children's entries. Values are detached views sharing storage with the
     * module's tensors (as PyTorch's), so copy them before changing them.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> live = new LinkedHashMap<>();
        collect("", live, true, true);
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        live.forEach((n, t) -> out.put(n, t.detach()));
        return out;
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, in place
     * (optimisers holding the parameters keep working). Every expected tensor must be present
     * with the expected shape, otherwise nothing is copied and an IllegalArgumentException
     * names each offending key with both shapes. Keys ending in {@code num_batches_tracked}
     * are ignored. Other keys the module does not have are an error when {@code strict}, and
     * are returned (in the map's order) otherwise.
     *
     * @return the unexpected keys that were ignored (always empty when strict)
     */
    public final List<String> loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = new LinkedHashMap<>();
        collect("", own, true, true);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            int[] expected = e.getValue().shape();
            if (src == null) {
                problems.add("missing tensor '" + e.getKey() + "' (module expects shape " + Arrays.toString(expected) + ")");
            } else if (!Arrays.equals(src.shape(), expected)) {
                problems.add("size mismatch for '" + e.getKey() + "': state dict has shape " + Arrays.toString(src.shape())
                        + ", module expects " + Arrays.toString(expected));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : state.keySet()) {
            if (!own.containsKey(key) && !key.endsWith(IGNORED_SUFFIX)) {
                unexpected.add(key);
            }
        }
        if (strict && !unexpected.isEmpty()) {
            problems.add("unexpected keys " + unexpected);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        }
        own.forEach((name, target) -> target.copyFrom(state.get(name)));
        return unexpected;
    }

    /**
     * Writes the state dict as float32 tensors to a safetensors file with string metadata
     * ({@code num_batches_tracked} is never written: this engine does not keep it).
     */
    public final void save(Path file, Map<String, String> metadata) throws IOException {
        SafeTensors.writeTensors(file, stateDict(), metadata == null ? Map.of() : metadata);
    }

    /**
     * Loads a safetensors file written by {@link #save} (or by PyTorch's safetensors) strictly,
     * and returns its metadata.
     */
    public final Map<String, String> load(Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file);
        loadStateDict(StateDicts.toTensors(contents, "", backendOrDefault()), true);
        return contents.metadata();
    }

    /** The backend of the first parameter or buffer; the default backend for a stateless module. */
    private Backend backendOrDefault() {
        LinkedHashMap<String, Tensor> own = new LinkedHashMap<>();
        collect("", own, true, true);
        return own.isEmpty() ? Backends.getDefault() : own.values().iterator().next().backend();
    }

    // ================================================================ modes and devices

    /** Switches this module and all descendants to training mode. Returns this. */
    public Module train() {
        return train(true);
    }

    /** Sets training ({@code true}) or evaluation ({@code false}) mode on this module and all descendants. */
    public Module train(boolean mode) {
        training = mode;
        for (Module c : children.values()) {
            c.train(mode);
        }
        return this;
    }

    /** Switches this module and all descendants to evaluation mode. Returns this. */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Turns gradient tracking of every parameter on or off (freezing a part of a model). Returns this. */
    public final Module requiresGrad(boolean value) {
        for (Tensor p : parameters()) {
            p.requiresGrad(value);
        }
        return this;
    }

    /**
     * Moves every parameter and buffer to {@code backend}, replacing the tensors (a parameter
     * keeps its requires-grad flag and loses its gradient). Optimisers must be created after
     * the move. Returns this.
     */
    public Module to(Backend backend) {
        moveTo(backend, new IdentityHashMap<>());
        return this;
    }

    /** {@code moved} maps old tensors to their copies so a tensor shared by two modules stays shared. */
    private void moveTo(Backend backend, Map<Tensor, Tensor> moved) {
        parameters.replaceAll((n, t) -> moved.computeIfAbsent(t, old -> old.to(backend).requiresGrad(old.requiresGrad())));
        buffers.replaceAll((n, t) -> moved.computeIfAbsent(t, old -> old.to(backend)));
        for (Module c : children.values()) {
            c.moveTo(backend, moved);
        }
    }

    // ================================================================ description

    /** Constructor arguments shown by {@link #toString()}, e.g. {@code "3, 16, kernel=3"}. */
    protected String extraRepr() {
        return "";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((n, c) -> sb.append("  (").append(n).append("): ")
                    .append(c.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }
}
