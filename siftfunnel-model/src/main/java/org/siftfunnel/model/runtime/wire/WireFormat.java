package org.siftfunnel.model.runtime.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Encoder and decoder of the feature wire format, version {@value #VERSION} (the authoritative
 * description is {@code docs/wire-format.md}). All integers are big-endian:
 *
 * <pre>
 * offset  size      field
 *      0  4         magic "SFTZ" (0x53 0x46 0x54 0x5A)
 *      4  2         version (1)
 *      6  1         dtype: 1 float32, 2 float16, 3 int8
 *      7  1         rank r, 1..8
 *      8  4         reserved, zero
 *     12  32        model id: SHA-256 of the export's manifest.json
 *     44  4·r       dimensions, each 1..2^31−1
 *      …  8         int8 only: scale (float32, finite, > 0), zero point (int32, −128..127)
 *      …  4         payload length in bytes (= product of dimensions × bytes per value)
 *      …  payload   values, row-major
 *      …  4         CRC32 (IEEE, as java.util.zip.CRC32) of every byte before it
 * </pre>
 *
 * <p>The decoder checks each field before it relies on it, and the announced sizes against
 * {@link WireLimits} and against the bytes actually present before it allocates the values, so
 * no header can make it allocate more than a small multiple of the message it was given.
 */
public final class WireFormat {
    /** "SFTZ": SiftFunnel Transmitted Z. */
    public static final byte[] MAGIC = {0x53, 0x46, 0x54, 0x5A};
    public static final int VERSION = 1;
    public static final int MODEL_ID_BYTES = 32;
    public static final int MAX_RANK = 8;
    /** Magic, version, dtype, rank and the reserved word. */
    static final int FIXED_HEADER = 12;
    /** Where the dimensions start: after the fixed header and the model id. */
    public static final int DIMS_OFFSET = FIXED_HEADER + MODEL_ID_BYTES;
    /** A lower bound on any message: header with rank 1, payload length field and checksum (values not counted). */
    public static final int MIN_MESSAGE_BYTES = DIMS_OFFSET + 4 + 4 + 4;

    private WireFormat() {
    }

    /**
     * Encodes {@code values} of {@code shape} for model {@code modelId} in {@code dtype}.
     *
     * @throws IllegalArgumentException when the id is not 32 bytes, the shape is invalid or does not
     *                                  match the values, or a value is NaN or infinite
     */
    public static byte[] encode(byte[] modelId, WireDType dtype, int[] shape, float[] values) {
        if (modelId == null || modelId.length != MODEL_ID_BYTES) {
            throw new IllegalArgumentException("wire encode: the model id must be " + MODEL_ID_BYTES + " bytes (a SHA-256)");
        }
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException("wire encode: rank must be 1.." + MAX_RANK + ", got " + Arrays.toString(shape));
        }
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("wire encode: dimensions must be positive, got " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("wire encode: shape " + Arrays.toString(shape) + " is too large");
            }
        }
        if (n != values.length) {
            throw new IllegalArgumentException("wire encode: shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("wire encode: value " + i + " is " + values[i] + "; features must be finite");
            }
        }
        long payload = n * dtype.bytesPerValue();
        long total = DIMS_OFFSET + 4L * shape.length + (dtype == WireDType.INT8 ? 8 : 0) + 4 + payload + 4;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("wire encode: message of " + total + " bytes is too large");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).put((byte) dtype.code()).put((byte) shape.length).putInt(0);
        b.put(modelId);
        for (int d : shape) {
            b.putInt(d);
        }
        switch (dtype) {
            case FLOAT32 -> {
                b.putInt((int) payload);
                for (float v : values) {
                    b.putFloat(v);
                }
            }
            case FLOAT16 -> {
                b.putInt((int) payload);
                for (float v : values) {
                    b.putShort(Float.floatToFloat16(v));
                }
            }
            case INT8 -> {
                Quantization q = Quantization.of(values);
                b.putFloat(q.scale()).putInt(q.zeroPoint()).putInt((int) payload);
                for (float v : values) {
                    b.put(q.quantise(v));
                }
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** {@link #decode(byte[], int, WireLimits)} of a whole array. */
    public static FeatureBatch decode(byte[] message, WireLimits limits) throws WireFormatException {
        return decode(message, message.length, limits);
    }

    /**
     * Decodes the first {@code length} bytes of {@code buf}.
     *
     * @throws WireFormatException for every malformed, inconsistent or oversized message, and for
     *                             NaN or infinite values; never another exception for any bytes
     */
    public static FeatureBatch decode(byte[] buf, int length, WireLimits limits) throws WireFormatException {
        if (length < 0 || length > buf.length) {
            throw new IllegalArgumentException("wire decode: length " + length + " outside the buffer of " + buf.length);
        }
        for (int i = 0; i < Math.min(length, MAGIC.length); i++) {
            if (buf[i] != MAGIC[i]) {
                throw fail(WireFormatException.Code.BAD_MAGIC, "does not start with the magic bytes \"SFTZ\" (not a siftfunnel features message)");
            }
        }
        if (length < FIXED_HEADER) {
            throw fail(WireFormatException.Code.TRUNCATED, "only " + length + " bytes; the fixed header alone has " + FIXED_HEADER);
        }
        if (length > limits.maxBytes()) {
            throw fail(WireFormatException.Code.TOO_LARGE, length + " bytes exceed the limit of " + limits.maxBytes());
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.BIG_ENDIAN);
        int version = Short.toUnsignedInt(b.getShort(4));
        if (version != VERSION) {
            throw fail(WireFormatException.Code.UNSUPPORTED_VERSION, "format version " + version + " is not supported (this server reads version " + VERSION + ")");
        }
        int dtypeCode = Byte.toUnsignedInt(b.get(6));
        WireDType dtype = WireDType.ofCode(dtypeCode);
        if (dtype == null) {
            throw fail(WireFormatException.Code.BAD_DTYPE, "unknown dtype code " + dtypeCode + " (1 float32, 2 float16, 3 int8)");
        }
        int rank = Byte.toUnsignedInt(b.get(7));
        if (rank < 1 || rank > MAX_RANK) {
            throw fail(WireFormatException.Code.BAD_SHAPE, "rank " + rank + " is outside 1.." + MAX_RANK);
        }
        if (b.getInt(8) != 0) {
            throw fail(WireFormatException.Code.BAD_HEADER, "reserved header bytes 8..11 must be zero");
        }
        int quantParams = dtype == WireDType.INT8 ? 8 : 0;
        int payloadLengthAt = DIMS_OFFSET + 4 * rank + quantParams;
        int payloadAt = payloadLengthAt + 4;
        if (length < payloadAt) {
            throw fail(WireFormatException.Code.TRUNCATED, "only " + length + " bytes; the header with rank " + rank + " needs " + payloadAt);
        }
        byte[] modelId = Arrays.copyOfRange(buf, FIXED_HEADER, DIMS_OFFSET);
        int[] shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long d = Integer.toUnsignedLong(b.getInt(DIMS_OFFSET + 4 * i));
            if (d < 1 || d > Integer.MAX_VALUE) {
                throw fail(WireFormatException.Code.BAD_SHAPE, "dimension " + i + " is " + d + "; dimensions must be 1.." + Integer.MAX_VALUE);
            }
            shape[i] = (int) d;
            count *= d; // both factors ≤ 2^31 and count ≤ maxElements after each step, so no overflow
            if (count > limits.maxElements()) {
                throw fail(WireFormatException.Code.TOO_LARGE, "the shape holds more than the limit of " + limits.maxElements() + " values");
            }
        }
        float scale = 1;
        int zeroPoint = 0;
        if (dtype == WireDType.INT8) {
            scale = b.getFloat(payloadLengthAt - 8);
            zeroPoint = b.getInt(payloadLengthAt - 4);
            if (!Float.isFinite(scale) || !(scale > 0)) {
                throw fail(WireFormatException.Code.NON_FINITE, "int8 scale " + scale + " must be finite and positive");
            }
            if (zeroPoint < Byte.MIN_VALUE || zeroPoint > Byte.MAX_VALUE) {
                throw fail(WireFormatException.Code.BAD_DTYPE, "int8 zero point " + zeroPoint + " is outside -128..127");
            }
        }
        long declared = Integer.toUnsignedLong(b.getInt(payloadLengthAt));
        long expected = count * dtype.bytesPerValue();
        if (declared != expected) {
            throw fail(WireFormatException.Code.LENGTH_MISMATCH, "payload length field says " + declared + " bytes but shape "
                    + Arrays.toString(shape) + " in " + dtype.label() + " needs " + expected);
        }
        long total = payloadAt + expected + 4;
        if (length < total) {
            throw fail(WireFormatException.Code.TRUNCATED, "only " + length + " bytes; the header announces " + total);
        }
        if (length > total) {
            throw fail(WireFormatException.Code.LENGTH_MISMATCH, (length - total) + " unexpected bytes after the checksum (message of " + total + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(buf, 0, (int) total - 4);
        int stored = b.getInt((int) total - 4);
        if ((int) crc.getValue() != stored) {
            throw fail(WireFormatException.Code.BAD_CHECKSUM, String.format("CRC32 mismatch: stored %08x, computed %08x (corrupted in transit?)",
                    stored, (int) crc.getValue()));
        }
        float[] values = new float[(int) count];
        int at = payloadAt;
        switch (dtype) {
            case FLOAT32 -> {
                for (int i = 0; i < values.length; i++, at += 4) {
                    values[i] = b.getFloat(at);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < values.length; i++, at += 2) {
                    values[i] = Float.float16ToFloat(b.getShort(at));
                }
            }
            case INT8 -> {
                for (int i = 0; i < values.length; i++, at++) {
                    values[i] = (buf[at] - zeroPoint) * scale;
                }
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw fail(WireFormatException.Code.NON_FINITE, "value " + i + " is " + values[i] + "; features must be finite");
            }
        }
        return new FeatureBatch(modelId, dtype, shape, values);
    }

    /** What a value becomes after a round trip through {@code dtype} (for measuring the effect of compression). */
    public static float[] roundTrip(float[] values, WireDType dtype) {
        float[] out = new float[values.length];
        switch (dtype) {
            case FLOAT32 -> System.arraycopy(values, 0, out, 0, values.length);
            case FLOAT16 -> {
                for (int i = 0; i < values.length; i++) {
                    out[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
                }
            }
            case INT8 -> {
                Quantization q = Quantization.of(values);
                for (int i = 0; i < values.length; i++) {
                    out[i] = (q.quantise(values[i]) - q.zeroPoint()) * q.scale();
                }
            }
        }
        return out;
    }

    private static WireFormatException fail(WireFormatException.Code code, String message) {
        return new WireFormatException(code, "features message: " + message);
    }
}
