package org.siftfunnel.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input to the safetensors reader: every corruption must end in an IOException that
 * names the file — never another exception type, never a hang, never an attempt to allocate
 * what the file cannot hold. Files come from truncating and mutating a valid file, and from
 * hand-made headers for each structural problem.
 */
class SafeTensorsFuzzTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private byte[] valid;

    @BeforeEach
    void makeValidFile() throws IOException {
        Map<String, StoredTensor> m = new LinkedHashMap<>();
        m.put("w", StoredTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("labels", StoredTensor.ofLongs(new long[] {3, 1}, 2));
        Path p = dir.resolve("valid.safetensors");
        SafeTensors.write(p, m, Map.of("k", "v"));
        valid = Files.readAllBytes(p);
    }

    /** What reading some bytes did: null when they read as a valid file, else the exception. */
    private static Throwable outcome(Path file, byte[] bytes) {
        try {
            // Rewrite in place and cut to length: replacing a file's contents through truncation
            // to zero makes some file systems flush on close, which made this test ten times slower.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(bytes), 0);
                ch.truncate(bytes.length);
            }
            SafeTensors.read(file);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Fails unless {@code t} is an IOException naming the file. */
    private static void assertCleanFailure(String what, Path file, Throwable t) {
        if (t == null) {
            throw new AssertionError(what + ": corrupt file was accepted");
        }
        if (!(t instanceof IOException)) {
            throw new AssertionError(what + ": expected an IOException but got " + t, t);
        }
        String msg = t.getMessage();
        if (msg == null || !msg.contains(file.getFileName().toString())) {
            throw new AssertionError(what + ": message does not name the file: " + msg, t);
        }
    }

    @Test
    void theBaseFileIsValid() throws IOException {
        Path file = dir.resolve("base.safetensors");
        Files.write(file, valid);
        assertEquals(List.of("w", "labels"), new ArrayList<>(SafeTensors.read(file).tensors().keySet()));
    }

    @Test
    void everyTruncationFails() {
        Path file = dir.resolve("truncated.safetensors");
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int len = 0; len < valid.length; len++) {
                assertCleanFailure("truncated to " + len + " of " + valid.length + " bytes", file,
                        outcome(file, Arrays.copyOf(valid, len)));
            }
        });
    }

    @Test
    void sampledTruncationsOfTheGoldenFileFail() throws IOException, URISyntaxException {
        URL url = getClass().getResource("/golden/ops.safetensors");
        byte[] golden = Files.readAllBytes(Path.of(url.toURI()));
        Path file = dir.resolve("golden-truncated.safetensors");
        SplittableRandom random = new SplittableRandom(4);
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 40; i++) {
                int len = i < 16 ? i : random.nextInt(golden.length);
                assertCleanFailure("golden truncated to " + len, file, outcome(file, Arrays.copyOf(golden, len)));
            }
        });
    }

    @Test
    void randomByteMutationsReadOrFailCleanly() {
        Path file = dir.resolve("mutated.safetensors");
        SplittableRandom random = new SplittableRandom(20240611);
        int[] counts = new int[2];
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int round = 0; round < 3000; round++) {
                byte[] bytes = valid.clone();
                int edits = 1 + random.nextInt(4);
                StringBuilder what = new StringBuilder("mutation " + round + ":");
                for (int e = 0; e < edits; e++) {
                    // Bias towards the length prefix and the header, where structure lives.
                    int at = random.nextInt(4) == 0 ? random.nextInt(8) : random.nextInt(bytes.length);
                    byte value = (byte) random.nextInt(256);
                    bytes[at] = value;
                    what.append(" [").append(at).append("]=").append(value & 0xFF);
                }
                Throwable t = outcome(file, bytes);
                if (t == null) {
                    counts[0]++;
                } else {
                    assertCleanFailure(what.toString(), file, t);
                    counts[1]++;
                }
            }
        });
        // Both outcomes must occur, or the mutations are not exercising the reader.
        assertTrue(counts[0] > 0 && counts[1] > 1000, "accepted " + counts[0] + ", rejected " + counts[1]);
    }

    // ---------------------------------------------------------------- hand-made corruptions

    private static byte[] withLength(long declaredLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        return b.array();
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return withLength(h.length, h, new byte[dataBytes]);
    }

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private static String header(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    private record Corruption(String name, byte[] bytes, String expectedProblem) {
    }

    private static Corruption corrupt(String name, byte[] bytes, String expectedProblem) {
        return new Corruption(name, bytes, expectedProblem);
    }

    private static List<Corruption> corruptions() {
        String ok = entry("a", "F32", "[2]", "[0,8]");
        byte[] okHeader = header(ok).getBytes(StandardCharsets.UTF_8);
        List<Corruption> list = new ArrayList<>();
        list.add(corrupt("empty file", new byte[0], "shorter than"));
        list.add(corrupt("length prefix only", withLength(2, new byte[0], new byte[0]), "header length"));
        list.add(corrupt("header length past the end", withLength(okHeader.length + 9, okHeader, new byte[8]), "header length"));
        list.add(corrupt("header length 2^62", withLength(1L << 62, okHeader, new byte[8]), "header length"));
        list.add(corrupt("header length Long.MAX_VALUE", withLength(Long.MAX_VALUE, okHeader, new byte[8]), "header length"));
        list.add(corrupt("negative header length", withLength(-1, okHeader, new byte[8]), "header length"));
        list.add(corrupt("header length Long.MIN_VALUE", withLength(Long.MIN_VALUE, okHeader, new byte[8]), "header length"));
        list.add(corrupt("header length 0", withLength(0, okHeader, new byte[8]), "header length"));
        list.add(corrupt("header length just above 100 MB", withLength(SafeTensors.MAX_HEADER_BYTES + 1, okHeader, new byte[8]),
                "header length"));
        list.add(corrupt("invalid JSON", file("{\"a\":{\"dtype\":\"F32\",", 8), "JSON"));
        list.add(corrupt("JSON that is an array", file("[1,2,3]", 8), "not a JSON object"));
        list.add(corrupt("JSON that is a string", file("\"hello\"", 8), "not a JSON object"));
        list.add(corrupt("JSON null", file("null", 8), "not a JSON object"));
        list.add(corrupt("header of spaces", file("        ", 8), "JSON"));
        list.add(corrupt("trailing garbage after the object", file(header(ok) + "x", 8), "JSON"));
        list.add(corrupt("NUL bytes in the header", file("{\"a\u0000\":1}", 8), "JSON"));
        list.add(corrupt("invalid UTF-8 in the header", withLength(4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, new byte[0]),
                "JSON"));
        list.add(corrupt("unknown dtype", file(header(entry("a", "F8_E4M3X", "[2]", "[0,8]")), 8), "dtype"));
        list.add(corrupt("dtype not a string", file(header("\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}"), 8), "dtype"));
        list.add(corrupt("missing dtype", file(header("\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}"), 8), "dtype"));
        list.add(corrupt("entry not an object", file(header("\"a\":[1,2]"), 8), "not an object"));
        list.add(corrupt("shape not a list", file(header(entry("a", "F32", "2", "[0,8]")), 8), "shape"));
        list.add(corrupt("negative dim", file(header(entry("a", "F32", "[-2]", "[0,8]")), 8), "shape"));
        list.add(corrupt("huge dim", file(header(entry("a", "F32", "[4611686018427387904]", "[0,8]")), 8), "shape"));
        list.add(corrupt("dim beyond long", file(header(entry("a", "F32", "[99999999999999999999999]", "[0,8]")), 8), "shape"));
        list.add(corrupt("dims whose product overflows", file(header(entry("a", "F32", "[65536,65536,65536,65536]", "[0,8]")), 8),
                "shape"));
        list.add(corrupt("fractional dim", file(header(entry("a", "F32", "[1.5]", "[0,8]")), 8), "shape"));
        list.add(corrupt("rank 17", file(header(entry("a", "F32", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2]", "[0,8]")), 8), "rank"));
        list.add(corrupt("offsets past the data", file(header(entry("a", "F32", "[2]", "[0,16]")), 8), "data_offsets"));
        list.add(corrupt("offsets with end before begin", file(header(entry("a", "F32", "[0]", "[8,0]")), 8), "data_offsets"));
        list.add(corrupt("negative begin offset", file(header(entry("a", "F32", "[2]", "[-8,0]")), 8), "data_offsets"));
        list.add(corrupt("huge offsets", file(header(entry("a", "F32", "[2]", "[9223372036854775799,9223372036854775807]")), 8),
                "data_offsets"));
        list.add(corrupt("three offsets", file(header(entry("a", "F32", "[2]", "[0,8,16]")), 16), "data_offsets"));
        list.add(corrupt("offsets not numbers", file(header(entry("a", "F32", "[2]", "[\"0\",\"8\"]")), 8), "data_offsets"));
        list.add(corrupt("overlapping tensors", file(header(entry("a", "F32", "[2]", "[0,8]"), entry("b", "F32", "[2]", "[4,12]")), 12),
                "overlap"));
        list.add(corrupt("size mismatch between shape and offsets", file(header(entry("a", "F32", "[3]", "[0,8]")), 12), "needs 12"));
        list.add(corrupt("I64 counted as 4-byte", file(header(entry("a", "I64", "[2]", "[0,8]")), 8), "needs 16"));
        list.add(corrupt("duplicate keys", file(header(ok, entry("a", "F32", "[2]", "[8,16]")), 16), "duplicate"));
        list.add(corrupt("deeply nested arrays (100k '[')", file("[".repeat(100_000), 0), "JSON"));
        list.add(corrupt("deeply nested objects", file("{\"a\":".repeat(50_000), 0), "JSON"));
        list.add(corrupt("deep nesting inside an entry", file("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0), "JSON"));
        list.add(corrupt("metadata not an object", file(header("\"__metadata__\":[1]", ok), 8), "__metadata__"));
        list.add(corrupt("metadata value not a string", file(header("\"__metadata__\":{\"k\":1}", ok), 8), "__metadata__"));
        list.add(corrupt("unterminated string", file("{\"a", 0), "JSON"));
        list.add(corrupt("bad escape", file("{\"a\\q\":1}", 0), "JSON"));
        list.add(corrupt("bad unicode escape", file("{\"a\\u12G4\":1}", 0), "JSON"));
        list.add(corrupt("signed unicode escape", file("{\"a\\u+041\":1}", 0), "JSON"));
        list.add(corrupt("unicode escape cut short", file("{\"a\\u12", 0), "JSON"));
        list.add(corrupt("bare minus", file(header("\"a\":-"), 0), "JSON"));
        list.add(corrupt("leading zero", file(header(entry("a", "F32", "[02]", "[0,8]")), 8), "JSON"));
        list.add(corrupt("number ending in a dot", file(header(entry("a", "F32", "[2.]", "[0,8]")), 8), "JSON"));
        list.add(corrupt("NaN literal", file(header("\"a\":NaN"), 0), "JSON"));
        list.add(corrupt("single quotes", file("{'a':1}", 0), "JSON"));
        list.add(corrupt("comment", file("{/* c */}", 0), "JSON"));
        list.add(corrupt("trailing comma", file(header(ok + ","), 8), "JSON"));
        return list;
    }

    @TestFactory
    Stream<DynamicTest> handMadeCorruptionsFailCleanly() {
        return corruptions().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path file = dir.resolve("corrupt.safetensors");
            Throwable t = assertTimeoutPreemptively(LIMIT, () -> outcome(file, c.bytes()));
            assertCleanFailure(c.name(), file, t);
            assertTrue(t.getMessage().contains(c.expectedProblem()),
                    c.name() + ": message should mention \"" + c.expectedProblem() + "\": " + t.getMessage());
        }));
    }

    @Test
    void tolerableOddities() throws IOException {
        // Things the format allows: no tensors at all, padding spaces, a gap between tensors,
        // trailing bytes after the data, zero-element tensors sharing an offset.
        Path file = dir.resolve("odd.safetensors");
        Files.write(file, file("{}", 0));
        assertTrue(SafeTensors.read(file).tensors().isEmpty());
        Files.write(file, file(header(entry("a", "F32", "[2]", "[4,12]"), entry("e", "F32", "[0]", "[4,4]"),
                entry("f", "F32", "[0,5]", "[4,4]")) + "      ", 16));
        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(List.of("a", "e", "f"), new ArrayList<>(c.tensors().keySet()));
        assertEquals(0, c.require("f").data().length);
    }
}
