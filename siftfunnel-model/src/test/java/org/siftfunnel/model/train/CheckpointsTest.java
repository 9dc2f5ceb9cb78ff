package org.siftfunnel.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.io.Json;
import org.siftfunnel.engine.nn.Dropout;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.nn.Sequential;
import org.siftfunnel.engine.random.RandomSource;

class CheckpointsTest {
    private static Module net(long seed) {
        return new Sequential(new Linear(4, 3, new RandomSource(seed)), new Dropout(0.5f, seed + 1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCheckpointPutsTheModelsRandomStreamsBack(@TempDir Path run) throws IOException {
        Module saved = net(1);
        saved.namedRandomSources().get("1#0").reserve(777);
        Checkpoints.save(run, "last", saved, null, Map.of("epoch", 3));
        Map<String, Object> meta = Checkpoints.readMetadata(run, "last");
        assertEquals(Map.of("1#0", "777"), meta.get(Checkpoints.RANDOM_STREAMS));

        Module loaded = net(2);
        assertTrue(Checkpoints.loadInto(run, "last", loaded, null));
        assertEquals(777, loaded.namedRandomSources().get("1#0").position());

        // A checkpoint written before streams were recorded loads, and says so.
        meta.remove(Checkpoints.RANDOM_STREAMS);
        Files.writeString(Checkpoints.dir(run).resolve("last.json"), Json.writePretty(meta));
        Module old = net(3);
        assertFalse(Checkpoints.loadInto(run, "last", old, null));
        assertEquals(0, old.namedRandomSources().get("1#0").position());

        // Streams of another model are an error, not silently ignored.
        meta.put(Checkpoints.RANDOM_STREAMS, Map.of("2#0", "5"));
        Files.writeString(Checkpoints.dir(run).resolve("last.json"), Json.writePretty(meta));
        IOException e = assertThrows(IOException.class, () -> Checkpoints.loadInto(run, "last", net(4), null));
        assertTrue(e.getMessage().contains("the saved random streams [2#0] are not those of Sequential, which has [1#0]"), e.getMessage());
    }
}
