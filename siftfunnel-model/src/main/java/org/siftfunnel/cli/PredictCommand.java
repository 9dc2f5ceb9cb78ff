package org.siftfunnel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.ClassNames;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.inference.CheckpointInfo;
import org.siftfunnel.model.inference.InputFiles;
import org.siftfunnel.model.inference.LoadReport;
import org.siftfunnel.model.inference.ModelLoader;
import org.siftfunnel.model.inference.ModelSpec;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.inference.Predictor;
import org.siftfunnel.model.inference.WeightsFile;

/**
 * {@code ./siftfunnel predict}: loads a split model's weights (a PyTorch-named state dict, a
 * run checkpoint or a run folder), runs it on a safetensors batch or an image, and writes the
 * transmitted features Z and the log-probabilities.
 */
final class PredictCommand implements Command {
    /** Predictions listed in the summary; the rest are counted. */
    private static final int LISTED = 10;

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "run a trained model on a tensor batch or an image; write the features Z and log-probabilities";
    }

    @Override
    public String description() {
        return "Builds --arch with --defense for --channels, --image-size and --classes, loads --weights\n"
                + "(a state dict with PyTorch names in safetensors; tools/pth_to_safetensors.py converts a .pth)\n"
                + "and runs it in eval mode on --input: the tensor 'input' [N, C, H, W] (already normalised) of a\n"
                + ".safetensors file, or an image (.png, .jpg, ...) converted to the model's channels, resized,\n"
                + "scaled to [0, 1] and normalised (with the paper's mean/std for the channel count, or the\n"
                + "checkpoint's). Writes --output with 'features' (the transmitted Z) and\n"
                + "'log_probs' [N, classes]. --weights may also be a run's checkpoint\n"
                + "(RUN/checkpoints/NAME.safetensors) or a run folder RUN (its best checkpoint): the model\n"
                + "settings and the normalisation then come from the checkpoint, and the model flags may be\n"
                + "left out. Missing or misshapen tensors are errors; tensors the model does not use are\n"
                + "listed in one warning.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.value("weights", "PATH", null, "state dict (.safetensors), run checkpoint, or run folder"),
                OptionSpec.value("input", "FILE", null, "a .safetensors file with a tensor 'input', or an image"),
                OptionSpec.value("output", "FILE", null, "where to write features and log_probs (.safetensors)"),
                OptionSpec.value("arch", "NAME", null, "backbone: " + String.join(", ", Architectures.BACKBONES)),
                OptionSpec.value("defense", "NAME", null, "the defense it was trained with, which decides the architecture: none, siftfunnel, nopeek, mid, ... (docs/defenses.md)"),
                OptionSpec.value("channels", "N", null, "input channels: 1 (grey) or 3 (RGB)"),
                OptionSpec.value("image-size", "PX", null, "input side in pixels (a multiple of 16)"),
                OptionSpec.value("classes", "N", null, "number of classes"),
                OptionSpec.value("weights-prefix", "P", null, "use only the tensors named P<name> (e.g. 'param.', 'module.')"),
                OptionSpec.value("device", "NAME", null, "backend: reference, cpu, opencl[:N] (default: fastest available)"),
                OpTimingsOption.SPEC);
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        Path weightsPath = existing(o, "weights");
        Path input = existing(o, "input");
        Path output = o.path("output");
        if (output == null) {
            throw new UsageException(name() + ": option --output is required");
        }
        String prefix = o.has("weights-prefix") ? o.string("weights-prefix") : "";
        Backend backend = o.has("device") ? Backends.get(o.string("device")) : Backends.getDefault();
        OpTimingsOption opTimings = OpTimingsOption.start(o, backend, System.err);

        WeightsFile weights = WeightsFile.open(weightsPath);
        CheckpointInfo checkpoint = weights.checkpoint();
        ModelSpec spec = checkpoint != null ? checkAgainstFlags(o, checkpoint) : specFromFlags(o);
        ModelLoader.LoadedModel loaded = ModelLoader.load(spec, weights, prefix, backend);
        LoadReport report = loaded.report();
        if (!report.extra().isEmpty()) {
            System.err.println("siftfunnel predict: warning: " + report.extra().size() + " tensor" + (report.extra().size() == 1 ? "" : "s")
                    + " in " + weights.file() + " not used by the model (ignored): " + report.describeExtra());
        }
        SplitModel model = loaded.model();
        Normalization normalization = checkpoint != null && checkpoint.normalization() != null ? checkpoint.normalization()
                : Normalization.paperDefault(spec.channels());
        Tensor x = InputFiles.read(input, spec, normalization, backend);
        Prediction prediction = Predictor.run(model, x);

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "siftfunnel-prediction-1");
        metadata.put("arch", spec.arch());
        metadata.put("defense", spec.defense());
        metadata.put("model", model.name());
        metadata.put("channels", Integer.toString(spec.channels()));
        metadata.put("image_size", Integer.toString(spec.imageSize()));
        metadata.put("classes", Integer.toString(spec.classes()));
        metadata.put("weights", weights.file().toString());
        metadata.put("input", input.toString());
        prediction.write(output, metadata);

        printSummary(spec, model, backend, weights, input, output, prediction, classNames(spec, checkpoint));
        opTimings.print(System.out);
        return 0;
    }

    private Path existing(Options o, String option) {
        Path p = o.path(option);
        if (p == null) {
            throw new UsageException(name() + ": option --" + option + " is required");
        }
        if (!Files.exists(p)) {
            throw new UsageException(name() + ": --" + option + " " + p + ": no such file or folder");
        }
        return p;
    }

    /** The five model flags, all required when the weights carry no checkpoint metadata. */
    private ModelSpec specFromFlags(Options o) {
        for (String flag : List.of("arch", "defense", "channels", "image-size", "classes")) {
            if (!o.has(flag)) {
                throw new UsageException(name() + ": option --" + flag + " is required (unless --weights is a run checkpoint"
                        + " or run folder, whose metadata names the model)");
            }
        }
        try {
            return new ModelSpec(o.string("arch"), o.string("defense"), o.positiveInteger("channels"), o.positiveInteger("image-size"),
                    o.positiveInteger("classes"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
    }

    /** The checkpoint's model; a flag that says otherwise is a usage error naming both values. */
    private ModelSpec checkAgainstFlags(Options o, CheckpointInfo checkpoint) {
        ModelSpec spec = checkpoint.spec();
        agree(o, "arch", spec.arch(), checkpoint, false);
        agree(o, "defense", spec.defense(), checkpoint, false);
        agree(o, "channels", Integer.toString(spec.channels()), checkpoint, true);
        agree(o, "image-size", Integer.toString(spec.imageSize()), checkpoint, true);
        agree(o, "classes", Integer.toString(spec.classes()), checkpoint, true);
        return spec;
    }

    private void agree(Options o, String flag, String fromCheckpoint, CheckpointInfo checkpoint, boolean numeric) {
        if (!o.has(flag)) {
            return;
        }
        String given = numeric ? Integer.toString(o.integer(flag)) : o.string(flag).trim().toLowerCase(Locale.ROOT);
        if (!given.equals(fromCheckpoint)) {
            throw new UsageException(name() + ": --" + flag + " " + o.string(flag) + " contradicts the checkpoint, whose "
                    + flag.replace('-', '_') + " is " + fromCheckpoint + " (" + checkpoint.source() + "); leave the flag out");
        }
    }

    /** The checkpoint's class names, else Fashion-MNIST's for a 10-class greyscale model, else none. */
    private static List<String> classNames(ModelSpec spec, CheckpointInfo checkpoint) {
        if (checkpoint != null && checkpoint.classNames() != null) {
            return checkpoint.classNames();
        }
        return spec.classes() == 10 && spec.channels() == 1 ? ClassNames.FASHION_MNIST : null;
    }

    private static void printSummary(ModelSpec spec, SplitModel model, Backend backend, WeightsFile weights, Path input,
                                     Path output, Prediction p, List<String> names) throws IOException {
        System.out.println("predict: " + spec.describe() + " on " + backend.name() + ", weights " + weights.file()
                + (weights.isCheckpoint() ? " (run checkpoint)" : ""));
        System.out.println(p.count() + " input" + (p.count() == 1 ? "" : "s") + " from " + input + "; Z per input "
                + Arrays.toString(model.featureShape()) + " (" + model.featureSize() + " values)");
        int[] classes = p.predictedClasses();
        float[] conf = p.confidences();
        for (int i = 0; i < Math.min(LISTED, classes.length); i++) {
            String label = names == null || names.get(classes[i]).equals(Integer.toString(classes[i])) ? ""
                    : " (" + names.get(classes[i]) + ")";
            System.out.printf(Locale.ROOT, "  #%d: class %d%s, p=%.3f%n", i, classes[i], label, conf[i]);
        }
        if (classes.length > LISTED) {
            System.out.println("  ... (" + (classes.length - LISTED) + " more)");
        }
        System.out.println("wrote " + output + " (features " + Arrays.toString(p.features().shape()) + ", log_probs "
                + Arrays.toString(p.logProbs().shape()) + ")");
    }
}
