package org.siftfunnel.model.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One input file, wherever it lives: a name for messages and run metadata, its exact length
 * in bytes (parsers check declared sizes against it before allocating), and a way to open it.
 */
public record SourceFile(String name, long length, Opener opener) {

    /** Opens a fresh stream over the whole file. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** A file on disk. @throws DataFileException if it does not exist or is not a regular file */
    public static SourceFile of(Path path) throws IOException {
        String name = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new DataFileException(name, Files.exists(path) ? "not a regular file" : "file not found");
        }
        try {
            return new SourceFile(name, Files.size(path), () -> Files.newInputStream(path));
        } catch (NoSuchFileException e) {
            throw new DataFileException(name, "file not found", e);
        }
    }

    /** Bytes already in memory (classpath resources, tests). */
    public static SourceFile ofBytes(String name, byte[] bytes) {
        return new SourceFile(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    /**
     * A classpath resource, read into memory (only the small bundled files are read this way),
     * or {@code null} when there is no such resource.
     */
    public static SourceFile classpath(String resource, long maxBytes) throws IOException {
        String name = "classpath:" + resource;
        try (InputStream in = SourceFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > maxBytes) {
                throw new DataFileException(name, "resource is larger than the limit of " + maxBytes + " bytes");
            }
            return ofBytes(name, bytes);
        }
    }
}
