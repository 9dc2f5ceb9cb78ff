package org.siftfunnel.model.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads a {@link SourceFile} once while computing its SHA-256, so run metadata can record
 * exactly which bytes were used without a second pass over the file.
 */
final class HashedInput implements AutoCloseable {
    private final DigestInputStream digesting;
    private final BufferedInputStream buffered;

    HashedInput(SourceFile file) throws IOException {
        this.digesting = new DigestInputStream(file.opener().open(), sha256());
        // Buffer above the digest so mark/reset (gzip sniffing) never digests a byte twice.
        this.buffered = new BufferedInputStream(digesting, 1 << 16);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The file's bytes, buffered; supports mark/reset. */
    InputStream stream() {
        return buffered;
    }

    /** True if the file starts with the gzip magic bytes 1f 8b (the stream is not consumed). */
    boolean isGzip() throws IOException {
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** Reads whatever is left (so the hash covers the whole file) and returns the SHA-256 in hex. */
    String finishHash() throws IOException {
        byte[] sink = new byte[1 << 16];
        while (buffered.read(sink) >= 0) {
            // draining: the digest sees every byte
        }
        return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    }

    @Override
    public void close() throws IOException {
        buffered.close();
    }
}
