package org.siftfunnel.model.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Random and mutated messages: the decoder must answer each with a value or a
 * {@link WireFormatException}, never another exception, and quickly (a hostile header must not
 * make it allocate or loop according to what it announces).
 */
class WireFormatFuzzTest {
    private static final WireLimits LIMITS = new WireLimits(1 << 16, 1 << 14);

    private static void decodeOrReject(byte[] m, String what) {
        try {
            WireFormat.decode(m, LIMITS);
        } catch (WireFormatException e) {
            // the only acceptable failure
        } catch (Throwable t) {
            fail(what + " (" + m.length + " bytes " + Arrays.toString(Arrays.copyOf(m, Math.min(64, m.length))) + "…) threw " + t, t);
        }
    }

    @Test
    void randomBytes() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Random r = new Random(11);
            for (int i = 0; i < 20_000; i++) {
                byte[] m = new byte[r.nextInt(i % 10 == 0 ? 2000 : 120)];
                r.nextBytes(m);
                if (r.nextBoolean() && m.length >= 4) {
                    System.arraycopy(WireFormat.MAGIC, 0, m, 0, 4); // get past the magic more often
                    if (m.length >= 8) {
                        m[4] = 0;
                        m[5] = 1;
                        m[6] = (byte) (1 + r.nextInt(3));
                        m[7] = (byte) (1 + r.nextInt(4));
                    }
                }
                decodeOrReject(m, "random message " + i);
            }
        });
    }

    @Test
    void mutatedValidMessages() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Random r = new Random(12);
            byte[] id = new byte[32];
            r.nextBytes(id);
            int accepted = 0;
            for (int i = 0; i < 20_000; i++) {
                WireDType dtype = WireDType.values()[i % 3];
                int[] shape = {1 + r.nextInt(3), 1 + r.nextInt(4), 1 + r.nextInt(4), 1 + r.nextInt(4)};
                float[] v = new float[shape[0] * shape[1] * shape[2] * shape[3]];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) r.nextGaussian();
                }
                byte[] good = WireFormat.encode(id, dtype, shape, v);
                if (i % 100 == 0) {
                    FeatureBatch b = WireFormat.decode(good, LIMITS); // unmutated messages must decode
                    assertArrayEquals(WireFormat.roundTrip(v, dtype), b.values());
                    accepted++;
                }
                byte[] m = mutate(good, r);
                if (r.nextInt(3) == 0) {
                    m = WireFormatTest.withCrc(m.length >= 4 ? m : good.clone()); // let header mutations reach the later checks
                }
                decodeOrReject(m, "mutation " + i + " of a " + dtype.label() + " message");
            }
            if (accepted == 0) {
                fail("no valid message was decoded");
            }
        });
    }

    private static byte[] mutate(byte[] good, Random r) {
        byte[] m = good.clone();
        switch (r.nextInt(6)) {
            case 0 -> m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8)); // one bit anywhere
            case 1 -> m[r.nextInt(Math.min(m.length, 64))] = (byte) r.nextInt(256); // one header byte
            case 2 -> m = Arrays.copyOf(m, r.nextInt(m.length)); // truncated
            case 3 -> m = Arrays.copyOf(m, m.length + 1 + r.nextInt(16)); // extended
            case 4 -> {
                int at = 44 + 4 * r.nextInt(4); // a dimension
                if (at + 4 <= m.length) {
                    java.nio.ByteBuffer.wrap(m).putInt(at, r.nextInt());
                }
            }
            default -> {
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                }
            }
        }
        return m;
    }
}
