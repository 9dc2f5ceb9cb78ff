package org.siftfunnel.model.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A NumPy {@code .npz} archive: a ZIP of {@code .npy} files (stored by {@code np.savez},
 * deflated by {@code np.savez_compressed}). Arrays are read one at a time by key (the entry
 * name without {@code .npy}); sizes declared in the ZIP directory bound what an entry may
 * decompress to, so a corrupt archive fails with a message instead of exhausting memory.
 */
final class NpzArchive implements AutoCloseable {
    private final String name;
    private final long fileLength;
    private final ZipFile zip;

    private NpzArchive(String name, long fileLength, ZipFile zip) {
        this.name = name;
        this.fileLength = fileLength;
        this.zip = zip;
    }

    static NpzArchive open(Path path) throws IOException {
        SourceFile file = SourceFile.of(path);
        try {
            return new NpzArchive(file.name(), file.length(), new ZipFile(path.toFile()));
        } catch (ZipException e) {
            throw new DataFileException(file.name(), "not a valid NPZ (ZIP) archive: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new DataFileException(file.name(), "cannot open the NPZ archive: " + e.getMessage(), e);
        }
    }

    /** The array keys in the archive, sorted. */
    List<String> keys() {
        TreeSet<String> keys = new TreeSet<>();
        Enumeration<? extends ZipEntry> e = zip.entries();
        while (e.hasMoreElements()) {
            String n = e.nextElement().getName();
            keys.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
        }
        return new ArrayList<>(keys);
    }

    boolean has(String key) {
        return zip.getEntry(key + ".npy") != null;
    }

    /** Reads one array. @throws DataFileException naming the archive and key when it is missing or corrupt */
    NpyFormat.NpyArray read(String key) throws IOException {
        ZipEntry entry = zip.getEntry(key + ".npy");
        if (entry == null) {
            throw new DataFileException(name, "missing array '" + key + "' (the archive has: " + String.join(", ", keys()) + ")");
        }
        String shown = name + "[" + entry.getName() + "]";
        long compressed = entry.getCompressedSize();
        if (compressed > fileLength) {
            throw new DataFileException(shown, "the ZIP directory declares " + compressed + " compressed bytes, more than the "
                    + fileLength + "-byte archive (corrupt archive)");
        }
        long bound = entry.getMethod() == ZipEntry.STORED ? fileLength
                : Math.max(0, compressed) * IdxFormat.MAX_DEFLATE_RATIO + 1024;
        if (compressed < 0) {
            bound = fileLength * IdxFormat.MAX_DEFLATE_RATIO + 1024;
        }
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
            return NpyFormat.read(shown, in, entry.getSize(), bound);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFileException(shown, "corrupt or truncated archive entry: " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
