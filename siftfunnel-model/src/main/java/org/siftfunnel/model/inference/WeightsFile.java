package org.siftfunnel.model.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.model.train.Checkpoints;

/**
 * A safetensors file of model weights with PyTorch state-dict names, and, when it is a
 * training run's checkpoint, what the run recorded about the model.
 *
 * <p>{@link #open} accepts a plain state-dict file (e.g. a PyTorch model's {@code state_dict()}
 * saved with safetensors, or converted with {@code tools/pth_to_safetensors.py}), a checkpoint
 * file {@code RUN/checkpoints/NAME.safetensors} (its metadata is the sidecar {@code NAME.json},
 * or the safetensors header when the JSON was not copied along), or a run folder {@code RUN},
 * which means its best checkpoint.
 */
public final class WeightsFile {
    /** The header marker {@link Checkpoints#save} writes. */
    static final String CHECKPOINT_FORMAT = "siftfunnel-checkpoint-1";
    private static final String BEST = "best";
    private static final String EXTENSION = ".safetensors";

    private final Path file;
    private final SafeTensors.Contents contents;
    private final CheckpointInfo checkpoint;

    private WeightsFile(Path file, SafeTensors.Contents contents, CheckpointInfo checkpoint) {
        this.file = file;
        this.contents = contents;
        this.checkpoint = checkpoint;
    }

    /**
     * Reads a weights file, a checkpoint or a run folder's best checkpoint.
     *
     * @throws IOException when the path does not exist, a run folder has no best checkpoint, or
     *                     the file is not a valid safetensors file (with a hint for PyTorch pickles)
     * @throws IllegalArgumentException when a checkpoint's metadata is malformed
     */
    public static WeightsFile open(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? bestCheckpoint(path) : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such weights file");
        }
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (IOException e) {
            throw isPyTorchPickle(file) ? new IOException(e.getMessage() + " (a PyTorch pickle? convert it with"
                    + " tools/pth_to_safetensors.py)", e) : e;
        }
        return new WeightsFile(file, contents, checkpointInfo(file, contents));
    }

    /** {@code RUN/checkpoints/best.safetensors}, also when given the checkpoints folder itself. */
    private static Path bestCheckpoint(Path dir) throws IOException {
        Path[] candidates = {Checkpoints.dir(dir).resolve(BEST + EXTENSION), dir.resolve(BEST + EXTENSION)};
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        List<String> others = new ArrayList<>();
        for (Path d : new Path[] {Checkpoints.dir(dir), dir}) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(EXTENSION) && !n.endsWith(".optimizer" + EXTENSION))
                            .sorted().forEach(n -> others.add(d.resolve(n).toString()));
                }
            }
        }
        throw new IOException(dir + ": a folder, but not a run folder with a best checkpoint (no "
                + candidates[0] + ")" + (others.isEmpty() ? "" : "; weights files there: " + String.join(", ", others)));
    }

    private static boolean isPyTorchPickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".ckpt") || name.endsWith(".bin");
    }

    /** The sidecar JSON when it describes a model, else the header when it is marked as a checkpoint, else null. */
    private static CheckpointInfo checkpointInfo(Path file, SafeTensors.Contents contents) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(EXTENSION)) {
            Path json = file.resolveSibling(name.substring(0, name.length() - EXTENSION.length()) + ".json");
            if (Files.isRegularFile(json)) {
                Object parsed;
                try {
                    parsed = Json.parse(Files.readString(json));
                } catch (IllegalArgumentException e) {
                    throw new IOException(json + ": corrupt checkpoint metadata: " + e.getMessage(), e);
                }
                // Any other JSON file that happens to sit next to the weights is not ours to read.
                if (parsed instanceof Map<?, ?> meta && meta.containsKey("arch")) {
                    return CheckpointInfo.fromMetadata(json, meta);
                }
            }
        }
        if (CHECKPOINT_FORMAT.equals(contents.metadata().get("format"))) {
            return CheckpointInfo.fromMetadata(file, contents.metadata());
        }
        return null;
    }

    /** The safetensors file read (for a run folder, its best checkpoint). */
    public Path file() {
        return file;
    }

    public SafeTensors.Contents contents() {
        return contents;
    }

    /** What the training run recorded, or null for a plain state-dict file. */
    public CheckpointInfo checkpoint() {
        return checkpoint;
    }

    public boolean isCheckpoint() {
        return checkpoint != null;
    }
}
