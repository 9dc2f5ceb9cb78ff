package org.siftfunnel.model.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-256 of files, for run metadata (which exact bytes a run used). */
final class Sha256 {
    private Sha256() {
    }

    /** Hex SHA-256 of a whole file, streamed. */
    static String of(Path path) throws IOException {
        MessageDigest md = HashedInput.sha256();
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DataFileException(path.toString(), "read failed: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String of(byte[] data) {
        return HexFormat.of().formatHex(HashedInput.sha256().digest(data));
    }
}
