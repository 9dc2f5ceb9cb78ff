package org.siftfunnel.model.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a state dict file lines up with a model: the model's tensors the file lacks, those it
 * holds with another shape, and the file's tensors (under the selected prefix) that the model
 * does not have. Names in {@code missing} and {@code misshapen} are the model's (without the
 * prefix); names in {@code extra} are the file's (with it), as a user would look them up.
 */
public record LoadReport(List<Mismatch> missing, List<Mismatch> misshapen, List<String> extra) {
    /** At most this many names are spelled out in a message; the rest are counted. */
    static final int LISTED = 12;

    /**
     * One model tensor the file does not provide as expected.
     *
     * @param name     the model's state-dict name
     * @param expected the shape the model has
     * @param found    the shape in the file, or null when the file lacks the tensor
     */
    public record Mismatch(String name, int[] expected, int[] found) {
        public Mismatch {
            expected = expected.clone();
            found = found == null ? null : found.clone();
        }

        @Override
        public int[] expected() {
            return expected.clone();
        }

        @Override
        public int[] found() {
            return found == null ? null : found.clone();
        }

        String describe(String prefix) {
            return found == null
                    ? "missing tensor '" + prefix + name + "' (model expects shape " + Arrays.toString(expected) + ")"
                    : "tensor '" + prefix + name + "' has shape " + Arrays.toString(found) + " but the model expects "
                            + Arrays.toString(expected);
        }
    }

    public LoadReport {
        missing = List.copyOf(missing);
        misshapen = List.copyOf(misshapen);
        extra = List.copyOf(extra);
    }

    /** True when every model tensor is present with its shape (extra tensors do not matter). */
    public boolean loadable() {
        return missing.isEmpty() && misshapen.isEmpty();
    }

    /**
     * The problems that stop loading, most telling first (wrong shapes, then missing tensors),
     * e.g. {@code "tensor 'fc.2.weight' has shape [5, 256] but the model expects [10, 256]; missing
     * tensor 'fc.2.bias' (model expects shape [10])"}; at most {@value #LISTED} are spelled out.
     *
     * @param prefix the prefix the names were selected with, shown so the user sees file names
     */
    public String describeProblems(String prefix) {
        List<String> parts = new ArrayList<>();
        misshapen.forEach(m -> parts.add(m.describe(prefix)));
        missing.forEach(m -> parts.add(m.describe(prefix)));
        return listed(parts, "; ");
    }

    /** The extra tensors' names, e.g. {@code "input, labels, eval.features"}; at most {@value #LISTED} spelled out. */
    public String describeExtra() {
        return listed(extra, ", ");
    }

    private static String listed(List<String> items, String separator) {
        if (items.size() <= LISTED) {
            return String.join(separator, items);
        }
        return String.join(separator, items.subList(0, LISTED)) + separator + "... (" + (items.size() - LISTED) + " more)";
    }
}
