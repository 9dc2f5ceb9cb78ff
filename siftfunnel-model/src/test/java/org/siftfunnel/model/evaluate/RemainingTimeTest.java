package org.siftfunnel.model.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class RemainingTimeTest {
    @Test
    void remainingStagesTimesTheirKindsMean() {
        RemainingTime r = new RemainingTime();
        r.plan("train", 3);
        r.plan("attack:blackbox", 6);
        assertEquals(9, r.planned());
        assertEquals("", r.describe(), "nothing timed yet");
        r.done("train", 600, true);
        assertEquals(1200, r.knownSeconds(), 1e-9);
        assertEquals(List.of("attack:blackbox"), r.unknownKinds());
        assertEquals("at least 20m00s left (no time yet for attack:blackbox)", r.describe());
        r.done("attack:blackbox", 100, true);
        r.done("attack:blackbox", 200, true);
        assertEquals(2 * 600 + 4 * 150, r.knownSeconds(), 1e-9);
        assertEquals("about 30m00s left", r.describe());
    }

    @Test
    void reusedTimesCountOnlyUntilThisProcessHasItsOwn() {
        RemainingTime r = new RemainingTime();
        r.plan("attack:adaptive-blackbox", 4);
        r.done("attack:adaptive-blackbox", 3000, false); // an older build's time, read back
        assertEquals(3 * 3000, r.knownSeconds(), 1e-9);
        r.done("attack:adaptive-blackbox", 600, true);
        assertEquals(2 * 600, r.knownSeconds(), 1e-9);
        r.done("attack:adaptive-blackbox", 0, true); // no time: counts as done, not as a zero
        assertEquals(600, r.knownSeconds(), 1e-9);
        r.done("attack:adaptive-blackbox", 500, true);
        assertEquals("", r.describe(), "nothing left");
        r.done("attack:adaptive-blackbox", 500, true);
        assertEquals(0, r.knownSeconds(), 1e-9, "more stages than planned never count negative");
    }
}
