package org.siftfunnel.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.optim.Optimizer;
import org.siftfunnel.engine.tensor.Tensor;

/**
 * Checkpoint files of a run, in {@code RUN/checkpoints/}: for a checkpoint NAME,
 * {@code NAME.safetensors} (the model's state dict with PyTorch names, loadable by PyTorch or
 * {@code predict}), {@code NAME.optimizer.safetensors} (the optimiser's state, for resuming) and
 * {@code NAME.json} (metadata: architecture, settings, data, environment, epoch, accuracy, and
 * the positions of the model's random streams, so that a resumed run draws the dropout masks and
 * sampled noise an uninterrupted one draws).
 * Every file is written to a temporary name and moved into place, the JSON last, so an
 * interrupted write never leaves a checkpoint that looks complete but is not.
 */
public final class Checkpoints {
    /** The metadata key of the model's random streams' positions (module#i → position). */
    static final String RANDOM_STREAMS = "random_streams";

    private Checkpoints() {
    }

    public static Path dir(Path run) {
        return run.resolve("checkpoints");
    }

    public static void save(Path run, String name, Module model, Optimizer optimizer, Map<String, Object> metadata) throws IOException {
        Path d = dir(run);
        Files.createDirectories(d);
        Map<String, String> header = new LinkedHashMap<>();
        header.put("format", "siftfunnel-checkpoint-1");
        for (String k : new String[] {"arch", "defense", "channels", "image_size", "classes", "epoch"}) {
            Object v = metadata.get(k);
            if (v != null) {
                header.put(k, String.valueOf(v));
            }
        }
        model.save(d.resolve(name + ".safetensors"), header);
        if (optimizer != null) {
            SafeTensors.writeTensors(d.resolve(name + ".optimizer.safetensors"), optimizer.state(), Map.of());
        }
        Map<String, Object> doc = new LinkedHashMap<>(metadata);
        Map<String, Object> streams = new LinkedHashMap<>();
        model.randomPositions().forEach((k, v) -> streams.put(k, Long.toString(v)));
        doc.put(RANDOM_STREAMS, streams);
        Path json = d.resolve(name + ".json");
        Path tmp = d.resolve(name + ".json.tmp");
        Files.writeString(tmp, Json.writePretty(doc) + "\n");
        Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The metadata of a checkpoint, or null when it does not exist. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMetadata(Path run, String name) throws IOException {
        Path json = dir(run).resolve(name + ".json");
        if (!Files.isRegularFile(json)) {
            return null;
        }
        try {
            return (Map<String, Object>) Json.parse(Files.readString(json));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(json + ": corrupt checkpoint metadata: " + e.getMessage());
        }
    }

    /**
     * Loads a checkpoint's model (and optimiser) state and puts the model's random streams
     * (dropout, sampled noise) back where they were.
     *
     * @return whether the checkpoint recorded the streams; false for checkpoints written before
     *         they did, after which a resumed run draws other dropout masks than an uninterrupted one
     */
    public static boolean loadInto(Path run, String name, Module model, Optimizer optimizer) throws IOException {
        Path d = dir(run);
        model.load(d.resolve(name + ".safetensors"));
        boolean streams = restoreStreams(readMetadata(run, name), model, d.resolve(name + ".json"));
        if (optimizer != null) {
            Path opt = d.resolve(name + ".optimizer.safetensors");
            if (!Files.isRegularFile(opt)) {
                throw new IOException(opt + ": missing optimiser state; cannot resume exactly");
            }
            Map<String, Tensor> state = new LinkedHashMap<>();
            SafeTensors.read(opt).tensors().forEach((k, v) -> state.put(k, v.toTensor(model.parameters().get(0).backend())));
            optimizer.loadState(state);
        }
        return streams;
    }

    private static boolean restoreStreams(Map<String, Object> metadata, Module model, Path file) throws IOException {
        Object saved = metadata == null ? null : metadata.get(RANDOM_STREAMS);
        if (saved == null) {
            return false;
        }
        if (!(saved instanceof Map<?, ?> recorded)) {
            throw new IOException(file + ": " + RANDOM_STREAMS + " must be an object");
        }
        Map<String, Long> positions = new LinkedHashMap<>();
        try {
            recorded.forEach((k, v) -> positions.put(String.valueOf(k), Long.parseLong(String.valueOf(v))));
            model.seekRandomSources(positions);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return true;
    }
}
