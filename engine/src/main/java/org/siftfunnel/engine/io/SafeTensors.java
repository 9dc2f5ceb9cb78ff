package org.siftfunnel.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON
 * header mapping names to {dtype, shape, data_offsets} (plus optional string
 * {@code __metadata__}), then the raw little-endian data. Every structural problem (short
 * file, header past the end, bad JSON, unknown dtype, offsets out of range, overlapping or
 * size-mismatched data) is an {@link IOException} naming the file and the problem; sizes are
 * checked against the file length before anything is allocated.
 */
public final class SafeTensors {
    /** Headers larger than this are refused (the format's reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private SafeTensors() {
    }

    /** A file's tensors in header order, and its string metadata. */
    public record Contents(Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        /** The tensor called {@code name}, or an error listing a few of the names present. */
        public StoredTensor require(String name) throws IOException {
            StoredTensor t = tensors.get(name);
            if (t == null) {
                List<String> some = tensors.keySet().stream().limit(8).toList();
                throw new IOException("no tensor named '" + name + "' (the file has " + tensors.size() + ": " + some
                        + (tensors.size() > 8 ? ", ..." : "") + ")");
            }
            return t;
        }
    }

    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw bad(file, "header length " + headerLen + " is invalid for a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, file);
            String headerText = new String(hb.array(), StandardCharsets.UTF_8);
            Object parsed;
            try {
                parsed = Json.parse(headerText.stripTrailing());
            } catch (IllegalArgumentException e) {
                throw bad(file, "header is not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw bad(file, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> meta)) {
                        throw bad(file, "__metadata__ is not an object");
                    }
                    for (Map.Entry<?, ?> me : meta.entrySet()) {
                        if (!(me.getValue() instanceof String v)) {
                            throw bad(file, "__metadata__ value for '" + me.getKey() + "' is not a string");
                        }
                        metadata.put((String) me.getKey(), v);
                    }
                    continue;
                }
                entries.add(parseEntry(file, name, e.getValue(), dataLen));
            }
            // Offsets must tile the data region without overlap (holes are tolerated). Empty
            // tensors hold no bytes, so they overlap nothing wherever their offsets point.
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.removeIf(en -> en.begin == en.end);
            sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).begin < sorted.get(i - 1).end) {
                    throw bad(file, "tensors '" + sorted.get(i - 1).name + "' and '" + sorted.get(i).name + "' overlap");
                }
            }
            Map<String, StoredTensor> tensors = new LinkedHashMap<>();
            for (Entry en : entries) {
                ByteBuffer data = ByteBuffer.allocate((int) (en.end - en.begin));
                readFully(ch, data, dataStart + en.begin, file);
                tensors.put(en.name, new StoredTensor(en.dtype, en.shape, data.array()));
            }
            return new Contents(tensors, metadata);
        }
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    private static Entry parseEntry(Path file, String name, Object v, long dataLen) throws IOException {
        if (!(v instanceof Map<?, ?> m)) {
            throw bad(file, "entry '" + name + "' is not an object");
        }
        if (!(m.get("dtype") instanceof String dts)) {
            throw bad(file, "entry '" + name + "' has no string dtype");
        }
        DType dtype = DType.parse(dts);
        if (dtype == null) {
            throw bad(file, "entry '" + name + "' has unsupported dtype '" + dts + "'");
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw bad(file, "entry '" + name + "' has no shape list");
        }
        if (shapeList.size() > 16) {
            throw bad(file, "entry '" + name + "' has rank " + shapeList.size() + " (at most 16 supported)");
        }
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw bad(file, "entry '" + name + "' has an invalid shape " + shapeList);
            }
            shape[i] = (int) (long) d;
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw bad(file, "entry '" + name + "' shape " + shapeList + " is too large");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw bad(file, "entry '" + name + "' has no [begin, end] data_offsets");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw bad(file, "entry '" + name + "' data_offsets [" + begin + ", " + end + "] lie outside the "
                    + dataLen + "-byte data section (file truncated?)");
        }
        long expected = numel * dtype.bytes();
        if (end - begin != expected) {
            throw bad(file, "entry '" + name + "' holds " + (end - begin) + " bytes but " + dtype + shapeList
                    + " needs " + expected);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position, Path file) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw bad(file, "unexpected end of file");
            }
            pos += n;
        }
    }

    private static IOException bad(Path file, String problem) {
        return new IOException(file + ": not a valid safetensors file: " + problem);
    }

    /**
     * Writes tensors (in the map's order) with string metadata. The file is written to a
     * temporary sibling and moved into place, so a crash never leaves a half-written file.
     */
    public static void write(Path file, Map<String, StoredTensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
            StoredTensor t = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", t.dtype().name());
            m.put("shape", t.shape());
            m.put("data_offsets", List.of(offset, offset + t.data().length));
            header.put(e.getKey(), m);
            offset += t.data().length;
        }
        byte[] hbytes = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (hbytes.length + 7) / 8 * 8; // align the data section to 8 bytes, as the reference writer does
        byte[] hpad = new byte[padded];
        java.util.Arrays.fill(hpad, (byte) ' ');
        System.arraycopy(hbytes, 0, hpad, 0, hbytes.length);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // A unique sibling created like any other file (not Files.createTempFile, whose owner-only
        // permissions would make every checkpoint and export unreadable to the user's group).
        Path tmp = parent == null ? Path.of(uniqueTemporaryName(file)) : parent.resolve(uniqueTemporaryName(file));
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 16)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(hpad);
                for (StoredTensor t : tensors.values()) {
                    out.write(t.data());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String uniqueTemporaryName(Path file) {
        return file.getFileName() + "." + ProcessHandle.current().pid() + "-" + TEMPORARY_NAMES.incrementAndGet() + ".tmp";
    }

    private static final java.util.concurrent.atomic.AtomicLong TEMPORARY_NAMES = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    /** Convenience: writes float32 tensors. */
    public static void writeTensors(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, StoredTensor> st = new LinkedHashMap<>();
        tensors.forEach((k, v) -> st.put(k, StoredTensor.of(v)));
        write(file, st, metadata);
    }
}
