package org.siftfunnel.engine.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Tensor;

/** Helpers for state dicts: selecting a prefix and reading safetensors files into tensors. */
public final class StateDicts {
    private static final String IGNORED_SUFFIX = "num_batches_tracked";

    private StateDicts() {
    }

    /**
     * The entries whose names start with {@code prefix}, with the prefix removed, in the
     * map's order (e.g. {@code select(golden, "param.")} or {@code select(model, "cbam.")}).
     */
    public static LinkedHashMap<String, Tensor> select(Map<String, Tensor> state, String prefix) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /**
     * The tensors of a safetensors file whose names start with {@code prefix} (prefix
     * removed), as float32 tensors on {@code backend}; {@code num_batches_tracked} entries
     * (64-bit counters in PyTorch files) are skipped.
     */
    public static LinkedHashMap<String, Tensor> toTensors(SafeTensors.Contents contents, String prefix, Backend backend) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : contents.tensors().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(prefix) && !name.endsWith(IGNORED_SUFFIX)) {
                out.put(name.substring(prefix.length()), e.getValue().toTensor(backend));
            }
        }
        return out;
    }

    /** Reads a safetensors file's tensors under {@code prefix} onto the default backend; see {@link #toTensors}. */
    public static LinkedHashMap<String, Tensor> read(Path file, String prefix) throws IOException {
        return toTensors(SafeTensors.read(file), prefix, Backends.getDefault());
    }
}
