package org.siftfunnel.model.objective;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * The value of an {@link Objective} on one batch: the weighted total, which training
 * back-propagates, and each unweighted term by name (in a fixed order), kept as graph-connected
 * tensors so that a caller may inspect or differentiate them separately.
 *
 * @param total the weighted sum, shape [1]
 * @param terms the unweighted terms by name, each shape [1]
 */
public record LossTerms(Tensor total, Map<String, Tensor> terms) {
    public LossTerms {
        Objects.requireNonNull(total, "LossTerms: total");
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /** One term's tensor. */
    public Tensor term(String name) {
        Tensor t = terms.get(name);
        if (t == null) {
            throw new IllegalArgumentException("LossTerms: no term '" + name + "' (terms are " + terms.keySet() + ")");
        }
        return t;
    }

    /** The total's value (reads it back from the device). */
    public float totalValue() {
        return total.item();
    }

    /**
     * Every term's value and then {@code "total"}, as floats for logging (reads each back from
     * the device).
     */
    public LinkedHashMap<String, Float> values() {
        LinkedHashMap<String, Float> out = new LinkedHashMap<>();
        terms.forEach((name, t) -> out.put(name, t.item()));
        out.put("total", total.item());
        return out;
    }
}
