package org.siftfunnel.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a data file by its base name in some location (a directory, the classpath). */
@FunctionalInterface
interface FileLookup {
    /** The file, or {@code null} when the location has none by that name. */
    SourceFile find(String baseName) throws IOException;

    /**
     * A directory: tries {@code name}, {@code name.gz}, and the dotted variant some mirrors use
     * ({@code train-images.idx3-ubyte}); raw files win over gzipped ones.
     */
    static FileLookup directory(Path dir) {
        return baseName -> {
            String dotted = baseName.replaceFirst("-(idx\\d-ubyte)$", ".$1");
            for (String candidate : new String[] {baseName, baseName + ".gz", dotted, dotted + ".gz"}) {
                Path p = dir.resolve(candidate);
                if (Files.isRegularFile(p)) {
                    return SourceFile.of(p);
                }
            }
            return null;
        };
    }
}
