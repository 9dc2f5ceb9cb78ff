package org.siftfunnel.model.evaluate;

import java.util.List;
import java.util.Map;

/**
 * Which point of a defense's strength sweep stands for the defense in the comparison: the
 * strongest setting whose accuracy stays comparable to the reference defense's (SiftFunnel's
 * by default), as the issue asks ("for each baseline the report uses the strongest setting
 * that stays comparable").
 *
 * <p>The rule ({@link #RULE}):
 * <ol>
 *   <li>comparable: accuracy ≥ reference accuracy − {@code within} (3 points by default);</li>
 *   <li>strongest: the lowest SSIM of the {@code blackbox} attack when every point has it;
 *       otherwise the lowest SSIM of each point's strongest attack (its highest SSIM); without
 *       attack results, the highest value of the swept parameter (more noise, more dropout,
 *       larger penalty weights are stronger);</li>
 *   <li>ties go to the higher parameter value;</li>
 *   <li>when no point is comparable, the most accurate point is used and marked not comparable.</li>
 * </ol>
 */
public final class SweepSelection {
    /** The rule in words, for results.json. */
    public static final String RULE = "among the sweep's settings whose accuracy is at least the reference defense's minus"
            + " comparable_within, the one with the lowest black-box attack SSIM (the lowest strongest-attack SSIM when"
            + " blackbox was not run; the highest parameter value when no attack was run; ties: the higher value); when"
            + " none is comparable, the most accurate setting, marked comparable: false";

    /** The chosen point's index, whether it is comparable, and why it was chosen. */
    public record Choice(int index, boolean comparable, String reason) {
    }

    private SweepSelection() {
    }

    /**
     * @param points            one entry per swept value (keys {@code accuracy}, {@code params},
     *                          {@code attacks.NAME.ssim}), in sweep order
     * @param parameter         the swept parameter's name in {@code params}
     * @param referenceAccuracy the reference defense's accuracy (NaN: every point is comparable)
     * @param within            the comparability margin (0.03 = 3 points)
     */
    public static Choice choose(List<Map<String, Object>> points, String parameter, double referenceAccuracy, double within) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("SweepSelection: no sweep points");
        }
        boolean allBlackbox = points.stream().allMatch(p -> ssim(p, "blackbox") != null);
        int best = -1;
        double bestScore = Double.NaN;
        for (int i = 0; i < points.size(); i++) {
            Map<String, Object> p = points.get(i);
            if (!comparable(p, referenceAccuracy, within)) {
                continue;
            }
            double score = allBlackbox ? ssim(p, "blackbox") : strongestSsim(p);
            if (best < 0 || better(score, value(p, parameter), bestScore, value(points.get(best), parameter))) {
                best = i;
                bestScore = score;
            }
        }
        if (best >= 0) {
            String by = allBlackbox ? "lowest blackbox SSIM" : Double.isNaN(bestScore) ? "highest " + parameter : "lowest strongest-attack SSIM";
            return new Choice(best, true, by + " among the settings within the comparable margin");
        }
        int mostAccurate = 0;
        for (int i = 1; i < points.size(); i++) {
            if (accuracy(points.get(i)) > accuracy(points.get(mostAccurate))) {
                mostAccurate = i;
            }
        }
        return new Choice(mostAccurate, false, "no setting within the comparable margin; the most accurate one");
    }

    /** Whether an entry's accuracy is within {@code within} below the reference (any amount above is fine). */
    public static boolean comparable(Map<String, Object> entry, double referenceAccuracy, double within) {
        double a = accuracy(entry);
        // A tiny tolerance so that exactly 3 points (0.91 - 0.03 in binary) counts as within.
        return Double.isNaN(referenceAccuracy) || a >= referenceAccuracy - within - 1e-12;
    }

    /** Lower score wins; NaN scores (no attack) compare by parameter value only; ties: higher value. */
    private static boolean better(double score, double value, double bestScore, double bestValue) {
        boolean noScores = Double.isNaN(score) || Double.isNaN(bestScore);
        if (!noScores && score != bestScore) {
            return score < bestScore;
        }
        return value > bestValue;
    }

    static double accuracy(Map<String, Object> entry) {
        Object a = entry.get("accuracy");
        return a instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double value(Map<String, Object> entry, String parameter) {
        if (entry.get("params") instanceof Map<?, ?> p && p.get(parameter) instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    private static Double ssim(Map<String, Object> entry, String attack) {
        if (entry.get("attacks") instanceof Map<?, ?> attacks && attacks.get(attack) instanceof Map<?, ?> a
                && a.get("ssim") instanceof Number n) {
            return n.doubleValue();
        }
        return null;
    }

    /** The highest SSIM over the entry's attacks (its strongest attack), NaN without attacks. */
    static double strongestSsim(Map<String, Object> entry) {
        double best = Double.NaN;
        if (entry.get("attacks") instanceof Map<?, ?> attacks) {
            for (Object a : attacks.values()) {
                if (a instanceof Map<?, ?> m && m.get("ssim") instanceof Number n && (Double.isNaN(best) || n.doubleValue() > best)) {
                    best = n.doubleValue();
                }
            }
        }
        return best;
    }

    /** The name of the attack with the highest SSIM on this entry, or null without attacks. */
    static String strongestAttack(Map<String, Object> entry) {
        String name = null;
        double best = Double.NaN;
        if (entry.get("attacks") instanceof Map<?, ?> attacks) {
            for (Map.Entry<?, ?> e : attacks.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> m && m.get("ssim") instanceof Number n
                        && (name == null || n.doubleValue() > best)) {
                    name = String.valueOf(e.getKey());
                    best = n.doubleValue();
                }
            }
        }
        return name;
    }
}
