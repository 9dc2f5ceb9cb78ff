package org.siftfunnel.model.evaluate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.siftfunnel.model.console.ProgressBar;

/**
 * An estimate of how much compute an evaluation still needs, for the stage headers of runs that
 * take hours: the stages still to run, counted by kind (a training, each attack, MINE, the edge
 * cost, ...), times the mean time that kind's stages have taken so far. Stages computed in this
 * process set the means; only where a kind has none yet do the times recorded with reused stages
 * count (another machine or build may have taken them). Kinds differ by orders of magnitude, so a
 * kind with no time at all is named instead of guessed.
 */
final class RemainingTime {
    private static final class Tally {
        int count;
        double seconds;

        double mean() {
            return seconds / count;
        }
    }

    private final Map<String, Integer> left = new LinkedHashMap<>();
    private int planned;
    private final Map<String, Tally> computed = new HashMap<>();
    private final Map<String, Tally> reused = new HashMap<>();

    /** Adds {@code count} stages of {@code kind} to run. */
    void plan(String kind, int count) {
        left.merge(kind, count, Integer::sum);
        planned += count;
    }

    /** How many stages were planned in all. */
    int planned() {
        return planned;
    }

    /**
     * One stage of {@code kind} is done.
     *
     * @param seconds      its compute time (as recorded, for a reused stage)
     * @param computedHere whether this process computed it (rather than reusing a stored result)
     */
    void done(String kind, double seconds, boolean computedHere) {
        left.computeIfPresent(kind, (k, n) -> n > 0 ? n - 1 : 0);
        if (seconds > 0 && Double.isFinite(seconds)) {
            Tally t = (computedHere ? computed : reused).computeIfAbsent(kind, k -> new Tally());
            t.count++;
            t.seconds += seconds;
        }
    }

    /** Seconds the stages still to run should take, over the kinds that have a time. */
    double knownSeconds() {
        double s = 0;
        for (Map.Entry<String, Integer> e : left.entrySet()) {
            Tally t = tally(e.getKey());
            if (t != null && e.getValue() > 0) {
                s += e.getValue() * t.mean();
            }
        }
        return s;
    }

    /** The kinds with stages still to run and no time yet, in plan order. */
    List<String> unknownKinds() {
        List<String> kinds = new ArrayList<>();
        left.forEach((k, n) -> {
            if (n > 0 && tally(k) == null) {
                kinds.add(k);
            }
        });
        return kinds;
    }

    /**
     * For a header: {@code about 4h10m left}, {@code at least 2h05m left (no time yet for train,
     * attack:shadow)}, or {@code ""} when nothing is left or no stage still to run has a time.
     */
    String describe() {
        double s = knownSeconds();
        List<String> unknown = unknownKinds();
        if (s <= 0) {
            return "";
        }
        if (unknown.isEmpty()) {
            return "about " + ProgressBar.formatSeconds(s) + " left";
        }
        return "at least " + ProgressBar.formatSeconds(s) + " left (no time yet for " + String.join(", ", unknown) + ")";
    }

    private Tally tally(String kind) {
        Tally t = computed.get(kind);
        return t != null ? t : reused.get(kind);
    }
}
