package org.siftfunnel.model.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST, raw or gzipped (detected from the gzip magic
 * bytes, not the file name). Layout: two zero bytes, a type code ({@code 0x08} = unsigned
 * byte, the only type supported here), the number of dimensions, each dimension as a
 * big-endian int32, then the data in row-major order.
 *
 * <p>Every declared size is checked before anything is allocated: against the exact file
 * length for raw files, and against the largest size DEFLATE can expand the file to for
 * gzipped ones. Truncated, oversized and trailing data are errors, as is a gzip stream whose
 * checksum fails.
 */
public final class IdxFormat {
    /** The unsigned-byte element type code. */
    public static final int TYPE_UBYTE = 0x08;
    /** Largest image side accepted, so a corrupt header cannot ask for a huge allocation. */
    public static final int MAX_SIDE = 4096;
    /** Largest data section accepted (1 GiB; the full EMNIST splits are below it). */
    public static final long MAX_DATA_BYTES = 1L << 30;
    /** DEFLATE expands at most about 1032:1; a bound on what a gzip file of a given size can hold. */
    static final long MAX_DEFLATE_RATIO = 1040;

    private IdxFormat() {
    }

    /** A decoded IDX array: its dimensions and its bytes, plus the SHA-256 of the file it came from. */
    public record IdxArray(int[] dims, byte[] data, String sha256) {
        public int count() {
            return dims[0];
        }
    }

    /**
     * Reads an unsigned-byte IDX array with {@code expectedRank} dimensions (3 for images
     * [N, H, W], 1 for labels [N]).
     *
     * @throws DataFileException naming the file and the problem
     */
    public static IdxArray read(SourceFile file, int expectedRank) throws IOException {
        String name = file.name();
        try (HashedInput hashed = new HashedInput(file)) {
            boolean gzip = hashed.isGzip();
            try {
                // Inside the try: the gzip constructor already reads (and may reject) the gzip header.
                InputStream in = gzip ? new GZIPInputStream(hashed.stream(), 1 << 16) : hashed.stream();
                IdxArray array = readArray(name, in, file.length(), gzip, expectedRank);
                if (in.read() >= 0) {
                    throw new DataFileException(name, "unexpected data after the " + array.data.length
                            + " declared bytes (file longer than its header says)");
                }
                return new IdxArray(array.dims, array.data, hashed.finishHash());
            } catch (DataFileException e) {
                throw e;
            } catch (IOException e) {
                throw new DataFileException(name, (gzip ? "corrupt or truncated gzip data: " : "read failed: ")
                        + e.getMessage(), e);
            }
        }
    }

    private static IdxArray readArray(String name, InputStream in, long fileLength, boolean gzip, int expectedRank)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DataFileException(name, "truncated: the file ends inside the 4-byte IDX magic number");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFileException(name, String.format(
                    "not an IDX file: magic number 0x%02X%02X%02X%02X (expected two zero bytes, a type code, a dimension count)",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        int type = magic[2] & 0xFF;
        if (type != TYPE_UBYTE) {
            throw new DataFileException(name, String.format(
                    "unsupported IDX element type 0x%02X; only unsigned bytes (0x08) are supported", type));
        }
        int rank = magic[3] & 0xFF;
        if (rank != expectedRank) {
            throw new DataFileException(name, "expected a " + expectedRank + "-dimensional IDX array ("
                    + (expectedRank == 1 ? "labels [N]" : "images [N, H, W]") + "), the header declares " + rank
                    + " dimensions");
        }
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new DataFileException(name, "truncated: the file ends inside the IDX header");
        }
        int[] dims = new int[rank];
        long dataBytes = 1;
        for (int d = 0; d < rank; d++) {
            dims[d] = ((dimBytes[4 * d] & 0xFF) << 24) | ((dimBytes[4 * d + 1] & 0xFF) << 16)
                    | ((dimBytes[4 * d + 2] & 0xFF) << 8) | (dimBytes[4 * d + 3] & 0xFF);
            if (dims[d] <= 0) {
                throw new DataFileException(name, "dimension " + d + " of the IDX header is " + dims[d] + "; must be positive");
            }
            if (d > 0 && dims[d] > MAX_SIDE) {
                throw new DataFileException(name, "image side " + dims[d] + " exceeds the limit of " + MAX_SIDE);
            }
            dataBytes *= dims[d];
            if (dataBytes > MAX_DATA_BYTES) {
                throw new DataFileException(name, "the header declares more than " + MAX_DATA_BYTES
                        + " bytes of data (dimensions " + Arrays.toString(Arrays.copyOf(dims, d + 1)) + "...); corrupt header?");
            }
        }
        long headerBytes = 4 + 4L * rank;
        if (!gzip) {
            long actual = fileLength - headerBytes;
            if (actual < dataBytes) {
                throw new DataFileException(name, "truncated: the header declares " + describe(dims) + " = " + dataBytes
                        + " data bytes but the file has only " + actual + " bytes after the header");
            }
            if (actual > dataBytes) {
                throw new DataFileException(name, "the header declares " + describe(dims) + " = " + dataBytes
                        + " data bytes but the file has " + actual + " (" + (actual - dataBytes) + " trailing bytes)");
            }
        } else if (dataBytes + headerBytes > fileLength * MAX_DEFLATE_RATIO + 1024) {
            throw new DataFileException(name, "the header declares " + dataBytes + " data bytes, more than a gzip file of "
                    + fileLength + " bytes can hold (truncated or corrupt file)");
        }
        byte[] data = new byte[(int) dataBytes];
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
            throw new DataFileException(name, "truncated: the header declares " + describe(dims) + " = " + dataBytes
                    + " data bytes but the data ends after " + got);
        }
        return new IdxArray(dims, data, null);
    }

    private static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "×").append(dims[i]);
        }
        return sb.toString();
    }

    /** Writes an unsigned-byte IDX array (raw). */
    public static void write(OutputStream out, int[] dims, byte[] data) throws IOException {
        long n = 1;
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("IDX write: dimensions must be positive, got " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("IDX write: " + data.length + " bytes do not fill dimensions " + Arrays.toString(dims));
        }
        DataOutputStream o = new DataOutputStream(out);
        o.writeByte(0);
        o.writeByte(0);
        o.writeByte(TYPE_UBYTE);
        o.writeByte(dims.length);
        for (int d : dims) {
            o.writeInt(d);
        }
        o.write(data);
        o.flush();
    }

    /**
     * Writes an IDX file, gzipped at the highest compression level when the name ends in
     * {@code .gz}. Java's gzip header carries no timestamp, so the output is reproducible.
     */
    public static void write(Path path, int[] dims, byte[] data) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            if (path.getFileName().toString().endsWith(".gz")) {
                try (GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16) {
                    {
                        def.setLevel(Deflater.BEST_COMPRESSION);
                    }
                }) {
                    write(gz, dims, data);
                }
            } else {
                write(file, dims, data);
            }
        }
    }
}
