package org.siftfunnel.model.data;

import java.util.Arrays;

import org.siftfunnel.engine.random.RandomSource;

/**
 * Seeded, class-stratified selection of disjoint index sets. The procedure (documented in
 * the bundled data's README, so it can be reproduced outside this code) is, for each class
 * k in ascending order:
 * <ol>
 *   <li>list the indices whose label is k, in ascending order;</li>
 *   <li>shuffle that list with Fisher–Yates driven by the given {@link RandomSource}: for
 *       i = n−1 down to 1, swap element i with element {@code rng.nextInt(i + 1)};</li>
 *   <li>hand out consecutive runs of the shuffled list to the parts, in order.</li>
 * </ol>
 * Each part's indices are returned sorted ascending, so the parts keep the source order.
 */
public final class StratifiedSplit {
    private StratifiedSplit() {
    }

    /**
     * Takes {@code perClass[p]} indices of every class for each part p.
     *
     * @throws IllegalArgumentException if some class has fewer images than the parts need
     */
    public static int[][] take(int[] labels, int numClasses, int[] perClass, RandomSource rng) {
        int[][] byClass = indicesByClass(labels, numClasses);
        int need = Arrays.stream(perClass).sum();
        int[][] parts = new int[perClass.length][];
        for (int p = 0; p < perClass.length; p++) {
            parts[p] = new int[perClass[p] * numClasses];
        }
        for (int k = 0; k < numClasses; k++) {
            int[] members = byClass[k];
            if (members.length < need) {
                throw new IllegalArgumentException("stratified split: class " + k + " has " + members.length
                        + " images, the parts need " + need + " (" + Arrays.toString(perClass) + ")");
            }
            shuffle(members, rng);
            int at = 0;
            for (int p = 0; p < perClass.length; p++) {
                System.arraycopy(members, at, parts[p], k * perClass[p], perClass[p]);
                at += perClass[p];
            }
        }
        for (int[] part : parts) {
            Arrays.sort(part);
        }
        return parts;
    }

    /**
     * Splits off {@code round(fraction · n_k)} images of every class k (at least one when the
     * class has two or more, never all): returns {rest, carved}, disjoint, together all indices.
     */
    public static int[][] carve(int[] labels, int numClasses, double fraction, RandomSource rng) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("stratified split: fraction must be in (0, 1), got " + fraction);
        }
        int[][] byClass = indicesByClass(labels, numClasses);
        int[] rest = new int[labels.length];
        int[] carved = new int[labels.length];
        int nRest = 0;
        int nCarved = 0;
        for (int k = 0; k < numClasses; k++) {
            int[] members = byClass[k];
            shuffle(members, rng);
            int take = (int) Math.round(fraction * members.length);
            if (members.length >= 2) {
                take = Math.max(1, Math.min(members.length - 1, take));
            } else {
                take = 0;
            }
            System.arraycopy(members, 0, carved, nCarved, take);
            nCarved += take;
            System.arraycopy(members, take, rest, nRest, members.length - take);
            nRest += members.length - take;
        }
        int[] r = Arrays.copyOf(rest, nRest);
        int[] c = Arrays.copyOf(carved, nCarved);
        Arrays.sort(r);
        Arrays.sort(c);
        return new int[][] {r, c};
    }

    /** Fisher–Yates, from the end: element i swaps with {@code rng.nextInt(i + 1)}. */
    public static void shuffle(int[] a, RandomSource rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[][] indicesByClass(int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= numClasses) {
                throw new IllegalArgumentException("stratified split: label " + l + " at " + i + " outside [0, " + numClasses + ")");
            }
            counts[l]++;
        }
        int[][] byClass = new int[numClasses][];
        for (int k = 0; k < numClasses; k++) {
            byClass[k] = new int[counts[k]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }
}
