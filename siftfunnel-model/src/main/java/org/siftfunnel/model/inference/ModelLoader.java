package org.siftfunnel.model.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;

/**
 * Builds a split model and fills it from a state dict with PyTorch names.
 *
 * <p>With a prefix {@code P}, only the file's tensors named {@code P<name>} are considered and
 * {@code <name>} must be one of the model's state-dict names; the file's other tensors are
 * ignored silently (a file may bundle weights with inputs and reference outputs, as the golden
 * test file does under {@code param.}). Tensors named {@code ...num_batches_tracked} are
 * ignored: this engine's BatchNorm never reads that counter. Every model tensor must be in the
 * file with its shape; the selected tensors the model lacks are reported, not fatal.
 */
public final class ModelLoader {
    private static final String IGNORED_SUFFIX = "num_batches_tracked";

    private ModelLoader() {
    }

    /** A model with its weights loaded, and the file's selected tensors the model did not use. */
    public record LoadedModel(SplitModel model, LoadReport report) {
    }

    /**
     * Builds {@code spec}'s model on {@code backend} and loads the weights selected by {@code prefix}.
     *
     * @throws WeightsMismatchException naming every missing or misshapen tensor (with both shapes)
     */
    public static LoadedModel load(ModelSpec spec, WeightsFile weights, String prefix, Backend backend) {
        SplitModel model = spec.build();
        model.to(backend);
        try {
            return new LoadedModel(model, loadInto(model, weights.contents().tensors(), prefix, backend));
        } catch (WeightsMismatchException e) {
            throw e.withContext(weights.file() + " does not fit " + spec.describe());
        }
    }

    /**
     * Copies the tensors {@code prefix + name} of {@code stored} into {@code model}'s parameters
     * and buffers, converted to float32 on {@code backend}; nothing is copied unless all are
     * present with the right shapes.
     *
     * @return the report, whose {@link LoadReport#extra()} lists the selected tensors not used
     * @throws WeightsMismatchException when a tensor is missing or has another shape
     */
    public static LoadReport loadInto(Module model, Map<String, StoredTensor> stored, String prefix, Backend backend) {
        LoadReport report = compare(model, stored, prefix);
        if (!report.loadable()) {
            int own = model.stateDict().size();
            String problems = report.missing().size() == own ? noneFound(model, stored, prefix, own) : report.describeProblems(prefix);
            throw new WeightsMismatchException(report, problems);
        }
        LinkedHashMap<String, Tensor> state = new LinkedHashMap<>();
        // Convert only what the model uses: a file may hold large unrelated tensors.
        for (String name : model.stateDict().keySet()) {
            state.put(name, stored.get(prefix + name).toTensor(backend));
        }
        model.loadStateDict(state, true);
        return report;
    }

    /** Lines the file's tensors under {@code prefix} up with the model's state dict, changing nothing. */
    public static LoadReport compare(Module model, Map<String, StoredTensor> stored, String prefix) {
        LinkedHashMap<String, Tensor> own = model.stateDict();
        List<LoadReport.Mismatch> missing = new ArrayList<>();
        List<LoadReport.Mismatch> misshapen = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            StoredTensor t = stored.get(prefix + e.getKey());
            int[] expected = e.getValue().shape();
            if (t == null) {
                missing.add(new LoadReport.Mismatch(e.getKey(), expected, null));
            } else if (!Arrays.equals(t.shape(), expected)) {
                misshapen.add(new LoadReport.Mismatch(e.getKey(), expected, t.shape()));
            }
        }
        List<String> extra = new ArrayList<>();
        for (String key : stored.keySet()) {
            if (key.startsWith(prefix) && !key.endsWith(IGNORED_SUFFIX) && !own.containsKey(key.substring(prefix.length()))) {
                extra.add(key);
            }
        }
        return new LoadReport(missing, misshapen, extra);
    }

    /**
     * The message when no model tensor is in the file: listing them all would bury the cause,
     * which is the prefix (e.g. {@code module.} for a DataParallel state dict) when the model's
     * first tensor appears under another one, and a different architecture otherwise.
     */
    private static String noneFound(Module model, Map<String, StoredTensor> stored, String prefix, int own) {
        String first = model.stateDict().keySet().iterator().next();
        String head = "none of the model's " + own + " tensors (such as '" + prefix + first + "') is in the file";
        for (String key : stored.keySet()) {
            int cut = key.length() - first.length();
            if (key.endsWith(first) && (cut == 0 || key.charAt(cut - 1) == '.')) {
                return head + ", but '" + first + "' is found as '" + key + "': use the prefix '" + key.substring(0, cut) + "'";
            }
        }
        return head + " (it has " + stored.size() + " tensors, such as " + stored.keySet().stream().limit(3).toList()
                + "): weights of another architecture?";
    }
}
