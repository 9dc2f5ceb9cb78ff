package org.siftfunnel.model.attack;

import java.util.Map;
import java.util.Objects;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Where a long attack step (a decoder's training) keeps a snapshot of its progress, so that a
 * stage stopped part-way (Ctrl-C, a killed process, a machine that goes away) resumes at its
 * last snapshot instead of from the start, and ends with exactly the numbers an uninterrupted
 * run gives. The attack saves whatever it needs to continue (weights, optimiser state, curves);
 * the store adds what the attack cannot see, such as the positions of the defense's random
 * streams, and puts them back when it hands a snapshot out.
 *
 * <p>Saving costs I/O, so the attack asks {@link #due()} at its natural boundaries (the end of
 * an epoch) and saves only then.
 */
public interface AttackSnapshots {

    /**
     * What an attack saved: tensors and string values (numbers as {@link Double#toString}
     * so that they come back bit for bit, infinities included).
     */
    record Snapshot(Map<String, Tensor> tensors, Map<String, String> values) {
        public Snapshot {
            tensors = Map.copyOf(Objects.requireNonNull(tensors, "Snapshot: tensors"));
            values = Map.copyOf(Objects.requireNonNull(values, "Snapshot: values"));
        }

        /** A saved value, or an error naming it when the snapshot lacks it. */
        public String value(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalStateException("snapshot has no value '" + key + "' (it has " + values.keySet() + ")");
            }
            return v;
        }

        /** A saved tensor, or an error naming it when the snapshot lacks it. */
        public Tensor tensor(String key) {
            Tensor t = tensors.get(key);
            if (t == null) {
                throw new IllegalStateException("snapshot has no tensor '" + key + "' (" + tensors.size() + " tensors)");
            }
            return t;
        }
    }

    /** Keeps nothing: attacks run from the start every time. */
    AttackSnapshots NONE = new AttackSnapshots() {
        @Override
        public boolean due() {
            return false;
        }

        @Override
        public void save(String name, Snapshot snapshot) {
        }

        @Override
        public Snapshot load(String name) {
            return null;
        }
    };

    /** Whether the attack should save a snapshot now (enough time has passed since the last one). */
    boolean due();

    /** Saves {@code snapshot} under {@code name}, replacing the one saved before; an I/O failure is an unchecked error. */
    void save(String name, Snapshot snapshot);

    /**
     * The snapshot saved under {@code name} by an earlier attempt at the same stage (same inputs,
     * same build), with the random streams the store tracks already put back where they were;
     * null when there is none and the attack starts from the beginning.
     */
    Snapshot load(String name);
}
