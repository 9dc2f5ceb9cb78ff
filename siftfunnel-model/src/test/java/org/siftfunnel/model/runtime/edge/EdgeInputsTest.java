package org.siftfunnel.model.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.runtime.RuntimeFixtures;
import org.siftfunnel.model.runtime.bundle.ModelBundle;

class EdgeInputsTest {
    @Test
    void readsImagesFoldersAndTensors(@TempDir Path dir) throws IOException {
        ModelBundle bundle = RuntimeFixtures.export(dir.resolve("export"), 16);
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String name : List.of("b.png", "a.png")) {
            BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(3, 4, 0, name.equals("a.png") ? 255 : 0);
            ImageIO.write(img, "png", images.resolve(name).toFile());
        }
        Files.writeString(images.resolve("notes.txt"), "ignored");
        Tensor batch = RuntimeFixtures.testImages(bundle, 3);
        Path tensor = dir.resolve("in.safetensors");
        SafeTensors.writeTensors(tensor, Map.of("input", batch), Map.of());

        EdgeInputs.Inputs in = EdgeInputs.read(List.of(images, tensor), bundle.manifest(), RuntimeFixtures.backend(), 100);
        assertEquals(List.of("a.png", "b.png", "in.safetensors#0", "in.safetensors#1", "in.safetensors#2"), in.names());
        assertArrayEquals(new int[] {5, 1, 16, 16}, in.images().shape());
        float[] all = in.images().toArray();
        float[] rows = java.util.Arrays.copyOfRange(all, 2 * 256, 5 * 256);
        assertArrayEquals(batch.toArray(), rows);
        assertEquals(-1f, all[256 + 17], 1e-6, "a black pixel normalised with mean 0.5, std 0.5");

        assertEquals(2, EdgeInputs.read(List.of(images, tensor), bundle.manifest(), RuntimeFixtures.backend(), 2).names().size());
        IOException missing = assertThrows(IOException.class,
                () -> EdgeInputs.read(List.of(dir.resolve("nope.png")), bundle.manifest(), RuntimeFixtures.backend(), 10));
        assertTrue(missing.getMessage().contains("nope.png"), missing.getMessage());
        IOException unknown = assertThrows(IOException.class,
                () -> EdgeInputs.read(List.of(images.resolve("notes.txt")), bundle.manifest(), RuntimeFixtures.backend(), 10));
        assertTrue(unknown.getMessage().contains("unknown input type"), unknown.getMessage());
        SafeTensors.writeTensors(tensor, Map.of("input", Tensor.zeros(2, 1, 8, 8)), Map.of());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> EdgeInputs.read(List.of(tensor), bundle.manifest(), RuntimeFixtures.backend(), 10));
        assertTrue(shape.getMessage().contains("[2, 1, 8, 8]"), shape.getMessage());
    }
}
