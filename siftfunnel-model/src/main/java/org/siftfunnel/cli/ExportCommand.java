package org.siftfunnel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.data.ClassNames;
import org.siftfunnel.model.data.Normalization;
import org.siftfunnel.model.inference.CheckpointInfo;
import org.siftfunnel.model.inference.ModelLoader;
import org.siftfunnel.model.inference.ModelSpec;
import org.siftfunnel.model.inference.WeightsFile;
import org.siftfunnel.model.runtime.bundle.ExportManifest;
import org.siftfunnel.model.runtime.bundle.Half;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.export.ModelExporter;

/**
 * {@code ./siftfunnel export}: splits a trained model into the edge's and the cloud's weights
 * and a manifest (see {@link ModelExporter}).
 */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "split a trained model into edge.safetensors, cloud.safetensors and manifest.json";
    }

    @Override
    public String description() {
        return "Loads --run (a run folder: its best checkpoint; or a checkpoint file) or --weights (a state dict\n"
                + "with PyTorch names; then --arch, --defense, --channels, --image-size and --classes are required)\n"
                + "and writes to --out: edge.safetensors (the edge half's tensors only), cloud.safetensors (the\n"
                + "cloud half's), and manifest.json (architecture, input and feature shapes, classes, normalisation,\n"
                + "the SHA-256 of each file). The model id on the wire is the SHA-256 of manifest.json: give the\n"
                + "edge device the manifest and edge.safetensors, the server the manifest and cloud.safetensors.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.value("run", "PATH", null, "run folder (best checkpoint) or checkpoint .safetensors"),
                OptionSpec.value("weights", "FILE", null, "a state dict .safetensors (needs the model flags)"),
                OptionSpec.value("out", "DIR", null, "export folder to write"),
                OptionSpec.value("arch", "NAME", null, "backbone: " + String.join(", ", Architectures.BACKBONES)),
                OptionSpec.value("defense", "NAME", null, "the defense it was trained with, which decides the architecture: none, siftfunnel, nopeek, mid, ... (docs/defenses.md)"),
                OptionSpec.value("channels", "N", null, "input channels: 1 or 3"),
                OptionSpec.value("image-size", "PX", null, "input side (a multiple of 16)"),
                OptionSpec.value("classes", "N", null, "number of classes"),
                OptionSpec.value("weights-prefix", "P", null, "use only the tensors named P<name>"),
                OptionSpec.flag("force", "overwrite an existing export in --out"));
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        if (o.has("run") == o.has("weights")) {
            throw new UsageException(name() + ": give --run RUN (a run folder or checkpoint) or --weights FILE (a state dict)");
        }
        Path source = o.has("run") ? o.path("run") : o.path("weights");
        if (!Files.exists(source)) {
            throw new UsageException(name() + ": " + source + ": no such file or folder");
        }
        Path out = o.path("out");
        if (out == null) {
            throw new UsageException(name() + ": option --out DIR is required");
        }
        WeightsFile weights = WeightsFile.open(source);
        CheckpointInfo checkpoint = weights.checkpoint();
        if (o.has("run") && checkpoint == null) {
            throw new UsageException(name() + ": --run " + source + " has no checkpoint metadata; use --weights with the model flags");
        }
        ModelSpec spec = checkpoint != null && !o.has("arch") ? checkpoint.spec() : specFromFlags(o);
        if (checkpoint != null && !checkpoint.spec().equals(spec)) {
            throw new UsageException(name() + ": the model flags describe " + spec.describe() + " but the checkpoint holds "
                    + checkpoint.spec().describe() + "; leave the flags out");
        }
        String prefix = o.has("weights-prefix") ? o.string("weights-prefix") : "";
        SplitModel model = ModelLoader.load(spec, weights, prefix, Backends.reference()).model();
        Normalization norm = checkpoint != null && checkpoint.normalization() != null ? checkpoint.normalization()
                : Normalization.paperDefault(spec.channels());
        List<String> names = checkpoint != null && checkpoint.classNames() != null ? checkpoint.classNames()
                : spec.classes() == 10 && spec.channels() == 1 ? ClassNames.FASHION_MNIST : null;
        ModelBundle bundle = ModelExporter.export(model, spec, norm, names, weights.file().toString(), out, o.flag("force"));
        ExportManifest m = bundle.manifest();
        System.out.println("export: " + spec.describe() + " from " + weights.file());
        System.out.printf(Locale.ROOT, "  %-18s %d tensors, %,d bytes%n", Half.EDGE.fileName(), model.edge().stateDict().size(),
                Files.size(bundle.file(Half.EDGE)));
        System.out.printf(Locale.ROOT, "  %-18s %d tensors, %,d bytes%n", Half.CLOUD.fileName(), model.cloud().stateDict().size(),
                Files.size(bundle.file(Half.CLOUD)));
        System.out.println("  features per input " + Arrays.toString(m.featureShape()) + " = " + m.featureSize() + " values ("
                + 4 * m.featureSize() + " bytes as float32)");
        System.out.println("  model id " + bundle.modelIdHex() + " (SHA-256 of " + out.resolve(ExportManifest.FILE_NAME) + ")");
        return 0;
    }

    private ModelSpec specFromFlags(Options o) {
        for (String flag : List.of("arch", "defense", "channels", "image-size", "classes")) {
            if (!o.has(flag)) {
                throw new UsageException(name() + ": option --" + flag + " is required with --weights (a plain state dict)");
            }
        }
        try {
            return new ModelSpec(o.string("arch"), o.string("defense"), o.positiveInteger("channels"), o.positiveInteger("image-size"),
                    o.positiveInteger("classes"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
    }
}
