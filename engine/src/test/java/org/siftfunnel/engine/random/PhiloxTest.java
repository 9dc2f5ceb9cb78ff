package org.siftfunnel.engine.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Philox4x32-10 against the published known answers, and the draws derived from it. */
class PhiloxTest {

    /** Random123's kat_vectors for philox4x32_10: counter and key all zero. */
    @Test
    void knownAnswerAllZero() {
        int[] out = Philox.block(0, 0, 0, 0, 0, 0);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out, hex(out));
    }

    /** Random123's kat_vectors for philox4x32_10: counter and key all ones. */
    @Test
    void knownAnswerAllOnes() {
        int f = 0xffffffff;
        int[] out = Philox.block(f, f, f, f, f, f);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out, hex(out));
    }

    /** Random123's third kat vector (digits of pi as counter and key). */
    @Test
    void knownAnswerPi() {
        int[] out = Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out, hex(out));
    }

    @Test
    void draw2IsTheFirstTwoWordsOfTheBlockWithZeroUpperCounter() {
        long seed = 0x1234_5678_9abc_def0L;
        for (long counter : new long[] {0, 1, 2, 0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE, -1L}) {
            int[] b = Philox.block((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32));
            long packed = Philox.draw2(seed, counter);
            assertEquals(b[0], (int) packed, "word 0 for counter " + counter);
            assertEquals(b[1], (int) (packed >>> 32), "word 1 for counter " + counter);
        }
    }

    @Test
    void uniformUsesTheTop24BitsOfWordZero() {
        long seed = 99;
        for (long c = 0; c < 64; c++) {
            int w0 = (int) Philox.draw2(seed, c);
            float expected = (w0 >>> 8) / 16777216f;
            assertEquals(expected, Philox.uniform(seed, c), 0f);
            float u = Philox.uniform(seed, c, -3f, 5f);
            assertTrue(u >= -3f && u < 5f, "uniform in [-3, 5): " + u);
        }
    }

    @Test
    void drawsArePureFunctionsOfSeedAndCounter() {
        for (long c = 0; c < 1000; c++) {
            assertEquals(Philox.draw2(7, c), Philox.draw2(7, c));
            assertEquals(Float.floatToIntBits(Philox.normal(7, c)), Float.floatToIntBits(Philox.normal(7, c)));
        }
    }

    @Test
    void neighbouringCountersAndSeedsDiffer() {
        int same = 0;
        for (long c = 0; c < 1000; c++) {
            if (Philox.draw2(7, c) == Philox.draw2(7, c + 1)) {
                same++;
            }
            if (Philox.draw2(7, c) == Philox.draw2(8, c)) {
                same++;
            }
        }
        assertEquals(0, same, "64-bit draws should not collide");
        assertNotEquals(Philox.draw2(7, 0), Philox.draw2(7L | (1L << 32), 0), "the seed's high word must matter");
        assertNotEquals(Philox.draw2(7, 0), Philox.draw2(7, 1L << 32), "the counter's high word must matter");
    }

    @Test
    void normalIsFiniteEvenForTheExtremeWord() {
        // Box–Muller takes log(u1) with u1 in (0, 1]; no counter may produce ±∞ or NaN.
        for (long c = 0; c < 100_000; c++) {
            float z = Philox.normal(3, c);
            assertTrue(Float.isFinite(z), "normal draw " + c + " is " + z);
        }
    }

    @Test
    void bernoulliEdgeProbabilities() {
        for (long c = 0; c < 1000; c++) {
            assertEquals(0f, Philox.bernoulli(5, c, 0f));
            assertEquals(1f, Philox.bernoulli(5, c, 1f));
        }
    }

    private static String hex(int[] words) {
        StringBuilder sb = new StringBuilder("got");
        for (int w : words) {
            sb.append(String.format(" 0x%08x", w));
        }
        return sb.toString();
    }
}
