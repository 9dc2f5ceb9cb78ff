package org.siftfunnel.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/** Writing then reading safetensors preserves everything; the golden files' headers read as expected. */
class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    private final Backend be = Backends.reference();

    private static Map<String, StoredTensor> sample() {
        Map<String, StoredTensor> m = new LinkedHashMap<>();
        // Deliberately not alphabetical: the file must keep insertion order.
        m.put("zeta.weight", StoredTensor.ofFloats(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3e-38f}, 2, 3));
        m.put("alpha.labels", StoredTensor.ofLongs(new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 42}, 5));
        m.put("mid.scalar", StoredTensor.ofFloats(new float[] {7f}));
        m.put("empty", StoredTensor.ofFloats(new float[0], 0, 3));
        m.put("name with \"quotes\" and ünïcode", StoredTensor.ofFloats(new float[] {Float.NaN, Float.NEGATIVE_INFINITY}, 1, 2));
        return m;
    }

    private static Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "line1\nline2\t\"quoted\" \\ back ☃");
        meta.put("empty", "");
        return meta;
    }

    @Test
    void roundTripPreservesNamesOrderDtypesShapesBytesAndMetadata() throws IOException {
        Path file = dir.resolve("round.safetensors");
        Map<String, StoredTensor> written = sample();
        SafeTensors.write(file, written, metadata());
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(new ArrayList<>(written.keySet()), new ArrayList<>(read.tensors().keySet()), "names and their order");
        for (Map.Entry<String, StoredTensor> e : written.entrySet()) {
            StoredTensor r = read.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), r.dtype(), e.getKey() + " dtype");
            assertArrayEquals(e.getValue().shape(), r.shape(), e.getKey() + " shape");
            assertArrayEquals(e.getValue().data(), r.data(), e.getKey() + " bytes");
        }
        assertEquals(metadata(), read.metadata());
        assertEquals(DType.I64, read.tensors().get("alpha.labels").dtype());
        assertArrayEquals(new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 42}, read.require("alpha.labels").toLongs());
    }

    @Test
    void rewritingWhatWasReadGivesTheSameFile() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        SafeTensors.write(a, sample(), metadata());
        SafeTensors.Contents read = SafeTensors.read(a);
        SafeTensors.write(b, read.tensors(), read.metadata());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void layoutFollowsTheFormat() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        SafeTensors.write(file, sample(), metadata());
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "the data section starts 8-byte aligned");
        long dataBytes = 0;
        for (StoredTensor t : sample().values()) {
            dataBytes += t.data().length;
        }
        assertEquals(8 + headerLen + dataBytes, bytes.length, "header length + data = file size");
        Object header = Json.parse(new String(bytes, 8, (int) headerLen, java.nio.charset.StandardCharsets.UTF_8).strip());
        assertTrue(header instanceof Map<?, ?>);
        Map<?, ?> entry = (Map<?, ?>) ((Map<?, ?>) header).get("zeta.weight");
        assertEquals("F32", entry.get("dtype"));
        assertEquals(List.of(2L, 3L), entry.get("shape"));
        assertEquals(List.of(0L, 24L), entry.get("data_offsets"));
    }

    @Test
    void writeTensorsStoresFloat32ThatReadsBackAsTheSameTensor() throws IOException {
        Path file = dir.resolve("tensors.safetensors");
        Tensor w = Tensor.of(be, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor b = Tensor.of(be, new float[] {-0.5f}, 1);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", w);
        tensors.put("b", b);
        SafeTensors.writeTensors(file, tensors, Map.of("epoch", "3"));
        SafeTensors.Contents read = SafeTensors.read(file);
        Tensor w2 = read.require("w").toTensor(be);
        assertArrayEquals(new int[] {3, 2}, w2.shape());
        assertArrayEquals(w.toArray(), w2.toArray(), 0f);
        assertArrayEquals(b.toArray(), read.require("b").toFloats(), 0f);
        assertEquals("3", read.metadata().get("epoch"));
    }

    @Test
    void overwritingReplacesTheFileAndLeavesNoTemporaries() throws IOException {
        Path file = dir.resolve("over.safetensors");
        SafeTensors.write(file, sample(), metadata());
        SafeTensors.write(file, Map.of("only", StoredTensor.ofFloats(new float[] {1f}, 1)), Map.of());
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(List.of("only"), new ArrayList<>(read.tensors().keySet()));
        assertTrue(read.metadata().isEmpty());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file may remain");
        }
    }

    @Test
    void aWrittenFileHasThePermissionsOfAnyOtherNewFile() throws IOException {
        // Not the owner-only permissions of a temporary file: checkpoints and exports are shared.
        Path file = dir.resolve("perm.safetensors");
        SafeTensors.write(file, sample(), metadata());
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"), "POSIX permissions");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }

    @Test
    void requireNamesTheMissingTensorAndSomePresentOnes() throws IOException {
        Path file = dir.resolve("req.safetensors");
        SafeTensors.write(file, sample(), null);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file).require("nope"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("zeta.weight"), e.getMessage());
    }

    @Test
    void goldenOpsFileHeader() throws IOException, URISyntaxException {
        URL url = getClass().getResource("/golden/ops.safetensors");
        assertNotNull(url, "golden/ops.safetensors must be on the test class path");
        SafeTensors.Contents c = SafeTensors.read(Path.of(url.toURI()));
        assertEquals(198, c.tensors().size());
        assertEquals("PyTorch 1.13.1 (Debian bookworm), scikit-image 0.19.3; seed 7", c.metadata().get("source"));
        assertEquals("conv_k3s1p1.x", c.tensors().keySet().iterator().next(), "header order is kept");
        StoredTensor x = c.require("conv_k3s1p1.x");
        assertEquals(DType.F32, x.dtype());
        assertArrayEquals(new int[] {2, 3, 9, 7}, x.shape());
        assertEquals(DType.I64, c.require("conv_k3s2p1.meta").dtype());
        assertArrayEquals(new long[] {2, 1, 1}, c.require("conv_k3s2p1.meta").toLongs());
        assertArrayEquals(new long[] {1, 2, 2}, c.require("conv_k3d2.meta").toLongs());
        assertArrayEquals(new long[] {2, 1}, c.require("convT_k4s2p1.meta").toLongs());
        assertArrayEquals(new int[] {6}, c.require("kl_smooth_s0.25.labels").shape());
        float[] relu = c.require("relu.x").toFloats();
        assertEquals(0.8558787703514099f, relu[0], 0f);
        assertEquals(-1.6630882024765015f, relu[2], 0f);
        for (StoredTensor t : c.tensors().values()) {
            assertEquals(t.numel() * t.dtype().bytes(), t.data().length, "data length of " + t);
        }
    }
}
