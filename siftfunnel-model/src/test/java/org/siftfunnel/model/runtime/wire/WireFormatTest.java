package org.siftfunnel.model.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WireFormatTest {
    static final byte[] ID = new byte[32];
    static final int[] SHAPE = {2, 12, 8, 8};

    static {
        for (int i = 0; i < ID.length; i++) {
            ID[i] = (byte) (i * 7 + 1);
        }
    }

    static float[] features(long seed) {
        Random r = new Random(seed);
        float[] v = new float[2 * 12 * 8 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 5 == 0 ? 0f : (float) (r.nextGaussian() * 2 + 0.5);
        }
        return v;
    }

    /** Recomputes the trailing CRC32 after a deliberate change, so that the decoder reaches the check under test. */
    static byte[] withCrc(byte[] m) {
        CRC32 crc = new CRC32();
        crc.update(m, 0, m.length - 4);
        ByteBuffer.wrap(m).putInt(m.length - 4, (int) crc.getValue());
        return m;
    }

    static WireFormatException.Code failure(byte[] m) {
        return assertThrows(WireFormatException.class, () -> WireFormat.decode(m, WireLimits.DEFAULT)).code();
    }

    @Test
    void float32RoundTripIsExact() throws Exception {
        float[] v = features(1);
        byte[] m = WireFormat.encode(ID, WireDType.FLOAT32, SHAPE, v);
        assertEquals(WireFormat.DIMS_OFFSET + 16 + 4 + v.length * 4 + 4, m.length);
        FeatureBatch b = WireFormat.decode(m, WireLimits.DEFAULT);
        assertArrayEquals(v, b.values());
        assertArrayEquals(SHAPE, b.shape());
        assertArrayEquals(ID, b.modelId());
        assertEquals(WireDType.FLOAT32, b.dtype());
    }

    @Test
    void float16KeepsAboutThreeDigits() throws Exception {
        float[] v = features(2);
        FeatureBatch b = WireFormat.decode(WireFormat.encode(ID, WireDType.FLOAT16, SHAPE, v), WireLimits.DEFAULT);
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], b.values()[i], Math.abs(v[i]) * 0x1p-11 + 1e-7, "value " + i);
        }
        assertArrayEquals(WireFormat.roundTrip(v, WireDType.FLOAT16), b.values());
    }

    @Test
    void int8ErrorIsAtMostHalfAStepAndZeroIsExact() throws Exception {
        float[] v = features(3);
        FeatureBatch b = WireFormat.decode(WireFormat.encode(ID, WireDType.INT8, SHAPE, v), WireLimits.DEFAULT);
        float lo = 0;
        float hi = 0;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        float step = (hi - lo) / 255f;
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], b.values()[i], step * 0.5001f, "value " + i);
            if (v[i] == 0f) {
                assertEquals(0f, b.values()[i], "zero must stay exact");
            }
        }
        assertArrayEquals(WireFormat.roundTrip(v, WireDType.INT8), b.values());
        float[] zeros = new float[SHAPE[0] * SHAPE[1] * SHAPE[2] * SHAPE[3]];
        assertArrayEquals(zeros, WireFormat.decode(WireFormat.encode(ID, WireDType.INT8, SHAPE, zeros), WireLimits.DEFAULT).values());
    }

    @Test
    void encoderRefusesBadArguments() {
        float[] v = features(4);
        assertThrows(IllegalArgumentException.class, () -> WireFormat.encode(new byte[31], WireDType.FLOAT32, SHAPE, v));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.encode(ID, WireDType.FLOAT32, new int[] {3, 12, 8, 8}, v));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.encode(ID, WireDType.FLOAT32, new int[] {0, 12, 8, 8}, new float[0]));
        v[5] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> WireFormat.encode(ID, WireDType.FLOAT32, SHAPE, v));
    }

    @Test
    void eachHeaderFieldIsChecked() {
        byte[] good = WireFormat.encode(ID, WireDType.FLOAT32, SHAPE, features(5));

        byte[] m = good.clone();
        m[0] = 'X';
        assertEquals(WireFormatException.Code.BAD_MAGIC, failure(m));
        assertEquals(WireFormatException.Code.BAD_MAGIC, failure(new byte[] {'{', '"'}));
        assertEquals(WireFormatException.Code.TRUNCATED, failure(Arrays.copyOf(good, 3)));
        assertEquals(WireFormatException.Code.TRUNCATED, failure(Arrays.copyOf(good, 40)));
        assertEquals(WireFormatException.Code.TRUNCATED, failure(Arrays.copyOf(good, good.length - 1)));

        m = good.clone();
        m[5] = 2;
        assertEquals(WireFormatException.Code.UNSUPPORTED_VERSION, failure(withCrc(m)));
        m = good.clone();
        m[6] = 9;
        assertEquals(WireFormatException.Code.BAD_DTYPE, failure(withCrc(m)));
        m = good.clone();
        m[7] = 0;
        assertEquals(WireFormatException.Code.BAD_SHAPE, failure(withCrc(m)));
        m = good.clone();
        m[7] = 9;
        assertEquals(WireFormatException.Code.BAD_SHAPE, failure(withCrc(m)));
        m = good.clone();
        m[9] = 1;
        assertEquals(WireFormatException.Code.BAD_HEADER, failure(withCrc(m)));
        m = good.clone();
        ByteBuffer.wrap(m).putInt(WireFormat.DIMS_OFFSET + 4, 0);
        assertEquals(WireFormatException.Code.BAD_SHAPE, failure(withCrc(m)));
        m = good.clone();
        ByteBuffer.wrap(m).putInt(WireFormat.DIMS_OFFSET + 4, 13);
        assertEquals(WireFormatException.Code.LENGTH_MISMATCH, failure(withCrc(m)));

        m = good.clone();
        m[WireFormat.DIMS_OFFSET + 16 + 4 + 10] ^= 1;
        assertEquals(WireFormatException.Code.BAD_CHECKSUM, failure(m));

        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertEquals(WireFormatException.Code.LENGTH_MISMATCH, failure(longer));
    }

    @Test
    void hugeAnnouncedShapesAreRefusedBeforeAllocating() {
        byte[] good = WireFormat.encode(ID, WireDType.FLOAT32, SHAPE, features(6));
        byte[] m = good.clone();
        ByteBuffer b = ByteBuffer.wrap(m);
        for (int i = 0; i < 4; i++) {
            b.putInt(WireFormat.DIMS_OFFSET + 4 * i, Integer.MAX_VALUE);
        }
        assertEquals(WireFormatException.Code.TOO_LARGE, failure(withCrc(m)));
        m = good.clone();
        ByteBuffer.wrap(m).putInt(WireFormat.DIMS_OFFSET, -1); // 2^32 − 1 as unsigned
        assertEquals(WireFormatException.Code.BAD_SHAPE, failure(withCrc(m)));
        WireLimits tiny = new WireLimits(WireFormat.MIN_MESSAGE_BYTES, 1 << 20);
        WireFormatException e = assertThrows(WireFormatException.class, () -> WireFormat.decode(good, tiny));
        assertEquals(WireFormatException.Code.TOO_LARGE, e.code());
        WireLimits few = new WireLimits(1 << 20, 100);
        assertEquals(WireFormatException.Code.TOO_LARGE, assertThrows(WireFormatException.class, () -> WireFormat.decode(good, few)).code());
    }

    @ParameterizedTest
    @EnumSource(WireDType.class)
    void nonFiniteValuesAreRefused(WireDType dtype) {
        byte[] m = WireFormat.encode(ID, dtype, SHAPE, features(7));
        int payloadAt = WireFormat.DIMS_OFFSET + 16 + (dtype == WireDType.INT8 ? 8 : 0) + 4;
        ByteBuffer b = ByteBuffer.wrap(m);
        switch (dtype) {
            case FLOAT32 -> b.putFloat(payloadAt + 8, Float.POSITIVE_INFINITY);
            case FLOAT16 -> b.putShort(payloadAt + 8, Float.floatToFloat16(Float.NaN));
            case INT8 -> b.putFloat(payloadAt - 12, Float.NaN); // the scale
        }
        WireFormatException e = assertThrows(WireFormatException.class, () -> WireFormat.decode(withCrc(m), WireLimits.DEFAULT));
        assertEquals(WireFormatException.Code.NON_FINITE, e.code());
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void int8ZeroPointOutOfRangeIsRefused() {
        byte[] m = WireFormat.encode(ID, WireDType.INT8, SHAPE, features(8));
        ByteBuffer.wrap(m).putInt(WireFormat.DIMS_OFFSET + 16 + 4, 300);
        assertEquals(WireFormatException.Code.BAD_DTYPE, failure(withCrc(m)));
    }

    @Test
    void dtypeNamesParse() {
        assertEquals(WireDType.FLOAT16, WireDType.parse("FP16"));
        assertEquals(WireDType.INT8, WireDType.parse("int8"));
        assertThrows(IllegalArgumentException.class, () -> WireDType.parse("bf16"));
    }
}
