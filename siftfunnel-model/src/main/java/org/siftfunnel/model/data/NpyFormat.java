package org.siftfunnel.model.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0, 3.0), read strictly: the magic
 * {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in version 1, 4
 * otherwise), a Python-dict header ({@link NpyHeader}), then the C-order data.
 *
 * <p>Element types: {@code u1 i1 u2 i2 u4 i4 u8 i8 f4 f8} in either byte order. Unsigned
 * bytes stay bytes; everything else is converted to float32 (label arrays of int64 are
 * exact up to 2^24, far above any class count). Fortran order and structured or object
 * dtypes are rejected. The declared size is checked against the data available before the
 * array is allocated.
 */
public final class NpyFormat {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Largest header accepted; NumPy's own headers are a few hundred bytes. */
    static final int MAX_HEADER = 1 << 20;
    /** Largest number of elements (Java arrays hold at most about 2^31). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private NpyFormat() {
    }

    /** An array: shape and either {@code bytes} (dtype u1) or {@code floats} (any other dtype). */
    public record NpyArray(String name, String dtype, int[] shape, byte[] bytes, float[] floats) {
        public long numel() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        public boolean isUint8() {
            return bytes != null;
        }

        /** Element i as a float (bytes unsigned). */
        public float get(long i) {
            return bytes != null ? (bytes[(int) i] & 0xFF) : floats[(int) i];
        }
    }

    /**
     * Reads one array.
     *
     * @param name the file name shown in errors (e.g. {@code data.npz[train_data.npy]})
     * @param exactLength the total length of the .npy bytes if known, else −1
     * @param maxLength an upper bound on that length when the exact one is unknown
     */
    public static NpyArray read(String name, InputStream in, long exactLength, long maxLength) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8) {
            throw new DataFileException(name, "truncated: " + pre.length + " bytes, shorter than the NPY preamble");
        }
        if (!Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
            throw new DataFileException(name, "not an NPY array: missing the \\x93NUMPY magic string");
        }
        int major = pre[6] & 0xFF;
        if (major < 1 || major > 3 || pre[7] != 0) {
            throw new DataFileException(name, "unsupported NPY version " + major + "." + (pre[7] & 0xFF)
                    + " (1.0, 2.0 and 3.0 are supported)");
        }
        long headerLength;
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lengthBytes);
        if (lb.length < lengthBytes) {
            throw new DataFileException(name, "truncated inside the NPY header length");
        }
        headerLength = (lb[0] & 0xFF) | ((lb[1] & 0xFF) << 8);
        if (major > 1) {
            headerLength |= ((long) (lb[2] & 0xFF) << 16) | ((long) (lb[3] & 0xFF) << 24);
        }
        long prefix = 8 + lengthBytes + headerLength;
        if (headerLength > MAX_HEADER) {
            throw new DataFileException(name, "NPY header length " + headerLength + " exceeds the limit of " + MAX_HEADER);
        }
        if ((exactLength >= 0 && prefix > exactLength) || prefix > maxLength) {
            throw new DataFileException(name, "truncated: NPY header of " + headerLength + " bytes does not fit the file");
        }
        byte[] hb = in.readNBytes((int) headerLength);
        if (hb.length < headerLength) {
            throw new DataFileException(name, "truncated inside the NPY header");
        }
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(name, text);
        if (header.fortranOrder()) {
            throw new DataFileException(name, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        DType type = DType.parse(name, header.descr());
        long numel = 1;
        for (int d : header.shape()) {
            numel *= d;
            if (numel > MAX_ELEMENTS) {
                throw new DataFileException(name, "shape " + Arrays.toString(header.shape()) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        long dataBytes = numel * type.size();
        if (exactLength >= 0 && prefix + dataBytes != exactLength) {
            long have = exactLength - prefix;
            throw new DataFileException(name, (have < dataBytes ? "truncated: " : "") + "shape "
                    + Arrays.toString(header.shape()) + " of " + header.descr() + " needs " + dataBytes
                    + " data bytes, the file has " + have);
        }
        if (prefix + dataBytes > maxLength) {
            throw new DataFileException(name, "shape " + Arrays.toString(header.shape()) + " of " + header.descr()
                    + " needs " + dataBytes + " data bytes, more than the file can hold (truncated or corrupt)");
        }
        NpyArray array = type.kind() == Kind.U1
                ? new NpyArray(name, type.code(), header.shape(), readBytes(name, in, (int) numel), null)
                : new NpyArray(name, type.code(), header.shape(), null, readFloats(name, in, (int) numel, type));
        if (in.read() >= 0) {
            throw new DataFileException(name, "unexpected data after the " + dataBytes + " bytes the header declares");
        }
        return array;
    }

    private static byte[] readBytes(String name, InputStream in, int n) throws IOException {
        byte[] out = new byte[n];
        int got = in.readNBytes(out, 0, n);
        if (got < n) {
            throw new DataFileException(name, "truncated: " + got + " of " + n + " data bytes");
        }
        return out;
    }

    private static float[] readFloats(String name, InputStream in, int n, DType type) throws IOException {
        float[] out = new float[n];
        byte[] chunk = new byte[type.size() * 8192];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(type.order());
        int done = 0;
        while (done < n) {
            int count = Math.min(8192, n - done);
            int want = count * type.size();
            int got = in.readNBytes(chunk, 0, want);
            if (got < want) {
                throw new DataFileException(name, "truncated: data ends after " + ((long) done * type.size() + got) + " of "
                        + ((long) n * type.size()) + " bytes");
            }
            for (int i = 0; i < count; i++) {
                out[done + i] = type.get(buf, i * type.size());
            }
            done += count;
        }
        return out;
    }

    /** Writes a uint8 array (for tests and tools). */
    public static void writeUint8(OutputStream out, int[] shape, byte[] data) throws IOException {
        writeHeader(out, "|u1", shape, data.length);
        out.write(data);
    }

    /** Writes a little-endian float32 array. */
    public static void writeFloat32(OutputStream out, int[] shape, float[] data) throws IOException {
        writeHeader(out, "<f4", shape, data.length);
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        out.write(b.array());
    }

    /** Writes a little-endian int64 array (NumPy's default integer type, used for labels). */
    public static void writeInt64(OutputStream out, int[] shape, long[] data) throws IOException {
        writeHeader(out, "<i8", shape, data.length);
        ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        out.write(b.array());
    }

    /** A version 1.0 header as NumPy writes it, padded with spaces so the data starts 64-byte aligned. */
    private static void writeHeader(OutputStream out, String descr, int[] shape, int numel) throws IOException {
        long n = 1;
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            n *= d;
            dims.append(d).append(", ");
        }
        if (n != numel) {
            throw new IllegalArgumentException("NPY write: " + numel + " values do not fill shape " + Arrays.toString(shape));
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, Math.max(0, dims.length() - 2)) + ")";
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(h.length() & 0xFF);
        out.write((h.length() >>> 8) & 0xFF);
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The element kinds this reader understands. */
    enum Kind {
        U1("u1", 1), I1("i1", 1), U2("u2", 2), I2("i2", 2), U4("u4", 4), I4("i4", 4), U8("u8", 8), I8("i8", 8),
        F4("f4", 4), F8("f8", 8);

        final String code;
        final int size;

        Kind(String code, int size) {
            this.code = code;
            this.size = size;
        }
    }

    /** An element kind with its byte order, from a descr such as {@code '<f4'} or {@code '|u1'}. */
    record DType(Kind kind, ByteOrder order) {
        static DType parse(String file, String descr) throws DataFileException {
            if (descr.length() != 3 || "<>|=".indexOf(descr.charAt(0)) < 0) {
                throw new DataFileException(file, "unsupported NPY dtype '" + descr
                        + "' (expected a byte-order mark and one of u1 i1 u2 i2 u4 i4 u8 i8 f4 f8, e.g. '<f4')");
            }
            for (Kind k : Kind.values()) {
                if (k.code.equals(descr.substring(1))) {
                    char mark = descr.charAt(0);
                    if (mark == '|' && k.size > 1) {
                        throw new DataFileException(file, "NPY dtype '" + descr + "' has no byte order but "
                                + k.size + "-byte elements");
                    }
                    ByteOrder order = switch (mark) {
                        case '>' -> ByteOrder.BIG_ENDIAN;
                        case '=' -> ByteOrder.nativeOrder();
                        default -> ByteOrder.LITTLE_ENDIAN;
                    };
                    return new DType(k, order);
                }
            }
            throw new DataFileException(file, "unsupported NPY dtype '" + descr
                    + "' (supported: u1 i1 u2 i2 u4 i4 u8 i8 f4 f8)");
        }

        int size() {
            return kind.size;
        }

        String code() {
            return kind.code;
        }

        /** Element at byte offset {@code at} of a buffer already set to this byte order, as float. */
        float get(ByteBuffer b, int at) {
            return switch (kind) {
                case U1 -> b.get(at) & 0xFF;
                case I1 -> b.get(at);
                case U2 -> b.getShort(at) & 0xFFFF;
                case I2 -> b.getShort(at);
                case U4 -> (float) (b.getInt(at) & 0xFFFFFFFFL);
                case I4 -> (float) b.getInt(at);
                case U8 -> unsignedToFloat(b.getLong(at));
                case I8 -> (float) b.getLong(at);
                case F4 -> b.getFloat(at);
                case F8 -> (float) b.getDouble(at);
            };
        }

        private static float unsignedToFloat(long v) {
            return v >= 0 ? (float) v : (float) ((v >>> 1) * 2.0);
        }
    }
}
